using System.Text;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Journal;

/// <summary>
/// The per-job directory that holds the journal. Every process of one CI job must resolve the same path, and no
/// two jobs on one machine may share one, so it comes from explicit configuration or from the CI's own job
/// identity, never from anything that differs per process (pid, working directory, a fresh temp name).
/// </summary>
/// <param name="Path">The absolute path of the directory (it may not exist yet).</param>
/// <param name="Source">Which input decided it.</param>
public sealed record JobDirectory(string Path, JobDirectorySource Source)
{
    public const string FlagName = "--job-dir";
    public const string EnvironmentVariable = "BLACKSMITH_JOB_DIR";

    // Env values become one path component each: long enough for any real id, short enough to keep paths sane.
    private const int MaxComponentLength = 100;

    /// <summary>Resolves the job directory with the system temp directory as the root for CIs that lack a per-job one.</summary>
    public static JobDirectory Resolve(string? flagValue, Func<string, string?> environment) =>
        Resolve(flagValue, environment, System.IO.Path.GetTempPath());

    /// <inheritdoc cref="Resolve(string?, Func{string, string?}, string)"/>
    public static JobDirectory Resolve(string? flagValue, IReadOnlyDictionary<string, string?> environment, string tempDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Resolve(flagValue, name => environment.GetValueOrDefault(name), tempDirectory);
    }

    /// <summary>
    /// In order: <c>--job-dir</c>; <c>BLACKSMITH_JOB_DIR</c>; on GitHub Actions
    /// <c>$RUNNER_TEMP/blacksmith/&lt;run id&gt;-&lt;job&gt;-&lt;attempt&gt;</c>; on GitLab
    /// <c>&lt;tmp&gt;/blacksmith/gitlab-&lt;CI_JOB_ID&gt;</c>; on Buildkite
    /// <c>&lt;tmp&gt;/blacksmith/buildkite-&lt;BUILDKITE_JOB_ID&gt;</c>.
    /// </summary>
    /// <param name="flagValue">The <c>--job-dir</c> value, or null when the flag was not given.</param>
    /// <param name="environment">Reads one environment variable (null or empty: unset).</param>
    /// <param name="tempDirectory">The system temp directory.</param>
    /// <exception cref="JobDirectoryException">Nothing identifies the job, or a given path is relative.</exception>
    public static JobDirectory Resolve(string? flagValue, Func<string, string?> environment, string tempDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(tempDirectory);

        if (!string.IsNullOrWhiteSpace(flagValue))
        {
            return new(Absolute(flagValue, FlagName), JobDirectorySource.Flag);
        }

        if (Read(environment, EnvironmentVariable) is { } configured)
        {
            return new(Absolute(configured, EnvironmentVariable), JobDirectorySource.EnvironmentVariable);
        }

        if (Read(environment, "GITHUB_ACTIONS") == "true"
            && Read(environment, "RUNNER_TEMP") is { } runnerTemp
            && Read(environment, "GITHUB_RUN_ID") is { } runId
            && Read(environment, "GITHUB_JOB") is { } job)
        {
            // Older runners do not set the attempt; a re-run then starts on a fresh runner anyway.
            var attempt = Read(environment, "GITHUB_RUN_ATTEMPT") ?? "1";
            var name = $"{Sanitize(runId)}-{Sanitize(job)}-{Sanitize(attempt)}";
            return new(Under(Absolute(runnerTemp, "RUNNER_TEMP"), name), JobDirectorySource.GitHubActions);
        }

        if (Read(environment, "CI_JOB_ID") is { } gitLabJob)
        {
            return new(Under(Absolute(tempDirectory, "the system temp directory"), $"gitlab-{Sanitize(gitLabJob)}"), JobDirectorySource.GitLab);
        }

        if (Read(environment, "BUILDKITE_JOB_ID") is { } buildkiteJob)
        {
            return new(Under(Absolute(tempDirectory, "the system temp directory"), $"buildkite-{Sanitize(buildkiteJob)}"), JobDirectorySource.Buildkite);
        }

        throw new JobDirectoryException(
            $"Cannot tell which CI job this is, so there is no job directory to keep the journal in. Pass {FlagName} <dir> "
            + $"or set {EnvironmentVariable} to a directory that every step of this job (and no other job) uses. "
            + "GitHub Actions, GitLab CI and Buildkite are recognised without either.");
    }

    /// <summary>
    /// Creates the directory when it is missing and checks that files can be made in it, so that a job directory that
    /// cannot hold the journal is refused before anything is done, not found out half-way through a step. A directory
    /// that is a symbolic link, or that another user owns, is refused too: the job writes its journal, logs, state and
    /// the daemon's config there, as root on many machines, and a job directory linked to /etc would get them all.
    /// </summary>
    /// <exception cref="JobDirectoryException">
    /// The path is a file, a symbolic link or another user's directory, or the directory cannot be created or written to.
    /// </exception>
    public void Prepare()
    {
        if (File.Exists(Path))
        {
            throw new JobDirectoryException($"The job directory {Path} ({Origin}) is a file, not a directory. {Advice}");
        }

        RefuseUnlessOwn();
        try
        {
            // 0700, as ADR 0002 has it: the job's journal, logs and daemon config are no other user's business. Its entry
            // in its parent is flushed by the journal's first append, after the journal, so that a power loss cannot take
            // the job directory, and the journal with it, away once an append returned; new directories above it now.
            _ = UnixFiles.CreateLeavingOwnEntry(Path, handOver: false);

            // Again, now that it exists: whatever was made at the path in the meantime is judged before anything is written.
            RefuseUnlessOwn();

            // Deleted on close: nothing is left behind, and a directory that refuses it refuses the journal too.
            using var probe = new FileStream(
                System.IO.Path.Combine(Path, $".blacksmith-write-check-{Environment.ProcessId}"),
                FileMode.CreateNew,
                FileAccess.Write,
                FileShare.None,
                bufferSize: 1,
                FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JobDirectoryException($"The job directory {Path} ({Origin}) cannot be created or written to: {ex.Message.TrimEnd('.')}. {Advice}");
        }
    }

    /// <summary>
    /// Refuses a job directory that is a symbolic link or belongs to another user (checked without following a link),
    /// and, for a path derived from the CI, a link in place of the <c>blacksmith</c> directory it is derived under: that
    /// one may sit in a temp directory every user can write to.
    /// </summary>
    private void RefuseUnlessOwn()
    {
        if (Source is not (JobDirectorySource.Flag or JobDirectorySource.EnvironmentVariable)
            && System.IO.Path.GetDirectoryName(Path) is { } derivedUnder
            && new DirectoryInfo(derivedUnder).LinkTarget is { } parentTarget)
        {
            throw new JobDirectoryException(
                $"The job directory {Path} ({Origin}) is inside {derivedUnder}, which is a symbolic link (to {parentTarget}); the job's files are "
                + $"never written through a link. {OwnAdvice}");
        }

        if (new DirectoryInfo(Path).LinkTarget is { } target)
        {
            throw new JobDirectoryException(
                $"The job directory {Path} ({Origin}) is a symbolic link (to {target}); the job's journal, logs and build files are never written "
                + $"through a link, which could point anywhere. {OwnAdvice}");
        }

        if (OperatingSystem.IsLinux() && Directory.Exists(Path) && UnixFiles.TryGetOwner(Path, out var owner, out _, ofLink: true)
            && Libc.GetEffectiveUserId() is var me && owner != me)
        {
            throw new JobDirectoryException(
                $"The job directory {Path} ({Origin}) belongs to uid {owner}, not to this user (uid {me}); a job directory another user "
                + $"owns could be read or changed under the job. {OwnAdvice}");
        }
    }

    private string Origin => Source switch
    {
        JobDirectorySource.Flag => $"from {FlagName}",
        JobDirectorySource.EnvironmentVariable => $"from {EnvironmentVariable}",
        JobDirectorySource.GitHubActions => "derived from RUNNER_TEMP and the GitHub job",
        JobDirectorySource.GitLab => "derived from CI_JOB_ID",
        JobDirectorySource.Buildkite => "derived from BUILDKITE_JOB_ID",
        _ => Source.ToString(),
    };

    private static string Advice => $"Choose a directory this user can write to with {FlagName} or {EnvironmentVariable}.";

    private static string OwnAdvice => $"Choose a directory of this user's own, not a link, with {FlagName} or {EnvironmentVariable}.";

    /// <summary>
    /// Makes an environment value safe as one path component: only letters, digits, <c>.</c>, <c>_</c> and
    /// <c>-</c> survive, and no run of dots is left that could name a parent directory.
    /// </summary>
    public static string Sanitize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, MaxComponentLength));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxComponentLength)))
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }

        var component = builder.ToString().Replace("..", "__", StringComparison.Ordinal);
        return component.Length == 0 || component == "." ? "_" : component;
    }

    private static string? Read(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    // A relative path would resolve against each step's working directory, and steps of one job may run in
    // different ones: the job would silently get one journal per directory.
    private static string Absolute(string path, string source) =>
        System.IO.Path.IsPathFullyQualified(path)
            ? System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path))
            : throw new JobDirectoryException($"{source} must be an absolute path, but is '{path}': steps of one job may run in different working directories.");

    private static string Under(string root, string name) => System.IO.Path.Combine(root, "blacksmith", name);
}
