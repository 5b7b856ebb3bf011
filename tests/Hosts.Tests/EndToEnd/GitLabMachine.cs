using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// One GitLab runner host with a shell executor (one user, one docker configuration): the doubles first on PATH, one
/// local store, one claims directory, default BuildKit roots and sockets. Its jobs run <c>blacksmith</c> from shells the
/// test drives (<see cref="JobShell"/>). Disposing it removes and reports whatever its jobs left on the machine.
/// </summary>
internal sealed class GitLabMachine : IAsyncDisposable
{
    private readonly DirectoryInfo _machine = Directory.CreateTempSubdirectory("blacksmith-machine-");
    private readonly List<JobShell> _shells = [];

    public static string RootsDirectory => JobBuildkitPaths.RootsDirectory(Environment.GetEnvironmentVariable, Privilege.Current.IsRoot);

    public string Path => _machine.FullName;

    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    public string ClaimsDirectory => System.IO.Path.Combine(Path, "claims");

    /// <summary>A job of this machine (<c>CI_JOB_ID</c> = <paramref name="id"/>) with its checkout and a <c>script</c> shell.</summary>
    public GitLabRun Job(string id, IReadOnlyDictionary<string, string>? extra = null)
    {
        var shims = System.IO.Path.Combine(Path, "bin");
        ProcessDoubles.WriteShims(shims);
        var build = Directory.CreateDirectory(System.IO.Path.Combine(Path, "builds", id)).FullName;
        var workspace = Directory.CreateDirectory(System.IO.Path.Combine(build, "checkout")).FullName;
        File.WriteAllText(System.IO.Path.Combine(workspace, "Dockerfile"), RunnerSimulator.DefaultDockerfile);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = $"{shims}:{System.IO.Path.GetDirectoryName(BlacksmithBinary.Path)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = Path,
            // The machine's temp directory, where GitLab jobs' directories are derived (<tmp>/blacksmith/gitlab-<id>).
            ["TMPDIR"] = Directory.CreateDirectory(System.IO.Path.Combine(Path, "tmp")).FullName,
            ["CI"] = "true",
            ["GITLAB_CI"] = "true",
            ["CI_JOB_ID"] = id,
            ["BLACKSMITH_DATA_DIR"] = DataDirectory,
            ["BLACKSMITH_CLAIMS_DIR"] = ClaimsDirectory,
            // A shell executor runs every job as one user: one docker configuration, one buildx store.
            ["DOCKER_CONFIG"] = System.IO.Path.Combine(Path, "docker"),
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var script = JobShell.Start(environment, workspace, System.IO.Path.Combine(build, "script"));
        _shells.Add(script);
        return new GitLabRun(environment, workspace, System.IO.Path.Combine(environment["TMPDIR"], "blacksmith", "gitlab-" + id), script);
    }

    /// <summary>Runs <paramref name="commandLine"/> in a shell of its own that ends with it (GitLab's <c>after_script</c>, a Jenkins <c>sh</c> step).</summary>
    public static async Task<CliResult> RunInNewShellAsync(GitLabRun job, string commandLine, string name = "after_script")
    {
        await using var shell = JobShell.Start(job.Environment, job.Workspace, System.IO.Path.Combine(job.Workspace, "..", name + "-" + Guid.NewGuid().ToString("N")[..8]));
        return await shell.RunAsync(commandLine);
    }

    /// <summary><c>blacksmith status --json</c> of a job.</summary>
    public static async Task<JsonElement> StatusAsync(string jobDirectory)
    {
        var status = await CliProcess.RunAsync([BlacksmithBinary.Path, "status", "--json", "--job-dir", jobDirectory]);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var document = JsonDocument.Parse(status.Output);
        return document.RootElement.Clone();
    }

    /// <summary>The store's listing as <c>blacksmith store ls --json</c> prints it.</summary>
    public async Task<JsonElement> StoreAsync()
    {
        var listing = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--json", "--data-dir", DataDirectory]);
        Assert.True(listing.ExitCode == 0, listing.ToString());
        using var document = JsonDocument.Parse(listing.Output);
        return document.RootElement.Clone();
    }

    /// <summary>The generation numbers of <paramref name="cacheKey"/>, oldest first.</summary>
    public async Task<IReadOnlyList<long>> GenerationsAsync(string cacheKey)
    {
        var store = await StoreAsync();
        return [.. store.GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("key").GetString() == cacheKey)
            .SelectMany(k => k.GetProperty("generations").EnumerateArray().Select(g => g.GetProperty("number").GetInt64()))];
    }

    /// <summary>The exposures the store holds that are not settled yet.</summary>
    public async Task<int> ExposuresAsync() => (await StoreAsync()).GetProperty("exposures").GetArrayLength();

    /// <summary>The claims files of the machine (a mark of a reported claim not counted).</summary>
    public IReadOnlyList<string> Claims() =>
        Directory.Exists(ClaimsDirectory) ? [.. Directory.GetFiles(ClaimsDirectory, "*.json")] : [];

    /// <summary>What the jobs left on the machine (processes, mounts, loop devices, roots), removed now.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync() =>
        [.. await Leftovers.CleanAsync(Path, RootsDirectory), .. Leftovers.RemoveRoots(Path, RootsDirectory)];

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var shell in _shells)
            {
                await shell.DisposeAsync();
            }

            var leftovers = await LeftoversAsync();
            Assert.True(leftovers.Count == 0, "the jobs left these behind (removed now): " + string.Join("; ", leftovers));
        }
        finally
        {
            _machine.Delete(recursive: true);
        }
    }
}
