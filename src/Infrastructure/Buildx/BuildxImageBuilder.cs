using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Runs builds with <c>docker buildx build</c>: takes the buildx version and the builder's BuildKit versions from what
/// setup journaled (<see cref="BuildRequest.Known"/>), else learns the version once (<c>docker buildx version</c>) and
/// asks the builder for its BuildKit version only when a default provenance depends on it; assembles the command line
/// (<see cref="BuildxBuildArguments"/>), writes the secrets into a private per-build directory, streams buildx's
/// output to the log, reads the image id and metadata files, and removes the directory. docs/builds.md has the details.
/// </summary>
public sealed class BuildxImageBuilder : IImageBuilder
{
    private const string VersionOperation = "buildx.version";

    private readonly BuildxOptions _options;
    private readonly BuildEnvironment _environment;
    private readonly ProcessRunner _runner;
    private readonly ILogger<BuildxImageBuilder> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _versionLock = new();
    private Task<BuildxVersion>? _version;

    public BuildxImageBuilder(
        BuildxOptions options,
        BuildEnvironment environment,
        ProcessRunner runner,
        ILogger<BuildxImageBuilder> logger,
        TimeProvider time)
    {
        _options = options;
        _environment = environment;
        _runner = runner;
        _logger = logger;
        _time = time;
    }

    public async Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var notices = new List<string>();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // What setup journaled about the job's builder answers the version gates and the BuildKit check, so a build
            // spawns only the build itself; without it (no setup, a fallback, an older journal) buildx is asked.
            // The journal keeps the version as BuildxVersion prints it; the parser wants the whitespace docker's output has.
            var known = request.Known is { } facts && BuildxVersion.TryParse(" " + facts.BuildxVersion, out var recorded) ? (facts, recorded) : default;
            var buildx = known.recorded ?? await GetVersionAsync(cancellationToken);
            bool mayAddProvenance;
            try
            {
                mayAddProvenance = BuildxBuildArguments.MayAddDefaultProvenance(request.Inputs, _environment, buildx);
            }
            catch (InvalidBuildInputsException ex)
            {
                return Rejected(request, ex.Message, notices);
            }

            var builder = BuildxBuildArguments.EffectiveBuilder(request);
            var supportsProvenance = mayAddProvenance
                && (known.facts is { } setup && builder == request.Builder
                    ? BuildkitSupport.SupportsProvenance(setup.Driver, setup.BuildkitVersions)
                    : await BuildkitSupportsProvenanceAsync(builder, notices, cancellationToken));
            return await RunAsync(request, new BuildxBuildFacts(buildx, _environment, supportsProvenance, File.Exists), notices, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var report = BuildxReports.Cancelled(_time.GetElapsedTime(started), notices);
            BuildxBuildLog.Finished(_logger, request.BuildId, report.Result, (long)report.Duration.TotalMilliseconds, string.Empty);
            return report;
        }
    }

    private async Task<BuildReport> RunAsync(BuildRequest request, BuildxBuildFacts facts, List<string> notices, CancellationToken cancellationToken)
    {
        var (scratch, notInMemory) = await CreateTemporaryFilesAsync(request.BuildId, cancellationToken);
        try
        {
            BuildxBuildPlan plan;
            try
            {
                plan = BuildxBuildArguments.Plan(request, facts, scratch.Directory);
            }
            catch (InvalidBuildInputsException ex)
            {
                return Rejected(request, ex.Message, notices);
            }

            if (plan.SecretFiles.Count > 0 && notInMemory is not null)
            {
                BuildxBuildLog.Notice(_logger, $"The build's secrets are not kept in memory: {notInMemory}.");
            }

            WriteSecrets(scratch, plan);
            notices.AddRange(plan.Notices);
            foreach (var notice in plan.Notices)
            {
                BuildxBuildLog.Notice(_logger, notice);
            }

            BuildxBuildLog.Starting(_logger, request.BuildId, plan.Arguments.Count, plan.SecretFiles.Count, scratch.Directory);
            var command = new ProcessCommand(_options.DockerPath, ["buildx", .. plan.Arguments])
            {
                Name = "buildx",
                Environment = plan.Environment,
                SearchPath = _options.SearchPath,
                Timeout = _options.BuildTimeout,
            };

            ProcessOutcome outcome;
            try
            {
                outcome = await _runner.RunAsync(command, cancellationToken);
            }
            catch (ProcessCancelledException ex)
            {
                var cancelled = BuildxReports.Cancelled(ex.Outcome.Duration, notices);
                BuildxBuildLog.Finished(_logger, request.BuildId, cancelled.Result, (long)cancelled.Duration.TotalMilliseconds, string.Empty);
                return cancelled;
            }

            var metadata = BuildMetadataReader.Read(plan.ImageIdFile, plan.MetadataFile);
            foreach (var problem in metadata.Problems)
            {
                BuildxBuildLog.Notice(_logger, $"Build metadata unavailable: {problem}");
            }

            var report = BuildxReports.Finished(request.Inputs, outcome, metadata, notices);
            BuildxBuildLog.Finished(
                _logger, request.BuildId, report.Result, (long)report.Duration.TotalMilliseconds, report.ErrorDetail is { } detail ? $": {detail}" : string.Empty);
            return report;
        }
        finally
        {
            if (scratch.TryDelete() is { } reason)
            {
                BuildxBuildLog.CleanupFailed(_logger, scratch.Directory, reason);
            }
        }
    }

    private BuildReport Rejected(BuildRequest request, string reason, List<string> notices)
    {
        BuildxBuildLog.Rejected(_logger, request.BuildId, reason);
        return BuildxReports.Rejected(reason, notices);
    }

    /// <summary>The build's private directory, in memory when the job has a place there; else why not.</summary>
    private async Task<(BuildTemporaryFiles Files, string? NotInMemory)> CreateTemporaryFilesAsync(string buildId, CancellationToken cancellationToken)
    {
        var jobDirectory = _options.TemporaryRoot ?? Path.GetTempPath();
        var (root, notInMemory) = _options.SecretDirectories is { } secrets
            ? await secrets.ChooseAsync(jobDirectory, cancellationToken)
            : (jobDirectory, null);
        try
        {
            var files = BuildTemporaryFiles.Create(root, buildId);
            foreach (var warning in files.Warnings)
            {
                BuildxBuildLog.Notice(_logger, warning);
            }

            return (files, notInMemory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException("buildx.build", ExternalErrorKind.Failed, $"could not create the build's temporary directory under {root}: {ex.Message}", ex);
        }
    }

    private static void WriteSecrets(BuildTemporaryFiles scratch, BuildxBuildPlan plan)
    {
        try
        {
            scratch.Write(plan.SecretFiles);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The message names a path, never the value.
            throw new ExternalCallException("buildx.build", ExternalErrorKind.Failed, $"could not write the build's secret files in {scratch.Directory}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The version is asked once per process. The detection is not tied to the first caller's token (it is bounded
    /// by its own timeout), so one cancelled build does not poison the answer for the next; a failed detection is
    /// retried by the next build.
    /// </summary>
    private Task<BuildxVersion> GetVersionAsync(CancellationToken cancellationToken)
    {
        Task<BuildxVersion> version;
        lock (_versionLock)
        {
            if (_version is null || _version.IsFaulted || _version.IsCanceled)
            {
                _version = DetectVersionAsync();
            }

            version = _version;
        }

        return version.WaitAsync(cancellationToken);
    }

    private async Task<BuildxVersion> DetectVersionAsync()
    {
        var outcome = await _runner.RunAsync(
            new ProcessCommand(_options.DockerPath, ["buildx", "version"])
            {
                Name = "buildx",
                SearchPath = _options.SearchPath,
                Timeout = _options.VersionTimeout,
                OutputLevel = LogLevel.Debug,
            },
            CancellationToken.None);
        if (outcome.TimedOut)
        {
            outcome.EnsureSucceeded(VersionOperation);
        }

        if (!outcome.Succeeded)
        {
            // docker without the plugin says "'buildx' is not a docker command" and exits 1.
            throw new ExternalCallException(
                VersionOperation,
                ExternalErrorKind.Missing,
                $"docker buildx is not available (expected the buildx plugin; 'docker buildx version' failed): {outcome.Describe()}");
        }

        var version = BuildxVersion.Parse(outcome.StandardOutput);
        BuildxBuildLog.Detected(_logger, version, _options.DockerPath);
        return version;
    }

    /// <summary>
    /// Asks the builder for its nodes' BuildKit versions. An answer we cannot get leaves the default provenance out,
    /// with a notice: the build itself does not depend on it.
    /// </summary>
    private async Task<bool> BuildkitSupportsProvenanceAsync(string builder, List<string> notices, CancellationToken cancellationToken)
    {
        List<string> arguments = ["buildx", "inspect"];
        if (builder.Length > 0)
        {
            arguments.Add(builder);
        }

        var outcome = await _runner.RunAsync(
            new ProcessCommand(_options.DockerPath, arguments)
            {
                Name = "buildx",
                SearchPath = _options.SearchPath,
                Timeout = _options.InspectTimeout,
                OutputLevel = LogLevel.Debug,
            },
            cancellationToken);
        var name = builder.Length > 0 ? $"'{builder}'" : "the current builder";
        if (!outcome.Succeeded)
        {
            var why = outcome.TimedOut ? $"no answer within {_options.InspectTimeout.TotalSeconds:0.#} s" : outcome.Describe();
            return NoDefaultProvenance($"could not inspect {name} ({why})");
        }

        try
        {
            var inspection = BuildxInspectParser.Parse(outcome.StandardOutput);
            // An older BuildKit simply gets no default, as upstream: not worth a warning.
            return BuildkitSupport.SupportsProvenance(inspection);
        }
        catch (ExternalCallException ex)
        {
            return NoDefaultProvenance($"could not read the inspection of {name} ({ex.Message})");
        }

        bool NoDefaultProvenance(string why)
        {
            var notice = $"No default provenance attestation: {why}.";
            notices.Add(notice);
            BuildxBuildLog.Notice(_logger, notice);
            return false;
        }
    }
}
