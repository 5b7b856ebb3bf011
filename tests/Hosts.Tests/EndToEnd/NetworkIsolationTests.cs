namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>In local mode nothing leaves the machine: a whole job runs where no route leads anywhere.</summary>
public sealed class NetworkIsolationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-netns-");

    [RequiresNetworkNamespaceFact]
    public async Task A_local_mode_job_completes_and_commits_in_a_namespace_without_routes()
    {
        var result = await CliProcess.RunAsync(
            NetworkNamespace.Wrap([BlacksmithBinary.Path, "run", "--simulate", "--job-dir", Path.Combine(_dir.FullName, "job"), "--data-dir", Path.Combine(_dir.FullName, "data")]),
            LocalModeEnvironment(),
            TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("committed generation 1", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    // The runner variables that would select the Blacksmith agent are removed, whatever the machine running the tests has.
    private static Dictionary<string, string?> LocalModeEnvironment() => new()
    {
        ["BLACKSMITH_VM_ID"] = null,
        ["BLACKSMITH_STICKYDISK_TOKEN"] = null,
        ["BLACKSMITH_JOB_DIR"] = null,
        ["BLACKSMITH_DATA_DIR"] = null,
    };
}
