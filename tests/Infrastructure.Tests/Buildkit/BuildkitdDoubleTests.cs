using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>Keeping the doubles honest: they read real config files and print what the real tools print.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildkitdDoubleTests : IAsyncDisposable
{
    private readonly DaemonHarness _harness = new();
    private readonly List<SpawnedProcess> _started = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await OsProcesses.KillAsync(process);
        }

        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task The_double_reads_a_real_config_file_with_root_and_address_from_flags()
    {
        var fixture = Path.Combine(SharedFixtures(), "docker-actions-toolkit", "buildkitd.toml");
        Directory.CreateDirectory(_harness.JobDirectory);
        var log = Path.Combine(_harness.JobDirectory, "double.log");

        var daemon = DetachedProcess.Spawn(
            Path.Combine(AppContext.BaseDirectory, "buildkitd"),
            ["--config", fixture, "--root", _harness.Root, "--addr", _harness.Address, "--debug"],
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
            log);
        _started.Add(daemon);
        var runner = new ProcessRunner(_harness.RunnerLog, TimeProvider.System);
        await OsProcesses.WaitUntilAsync(() => File.ReadAllText(log).Contains("running server", StringComparison.Ordinal), "the double to listen", Token);
        var workers = await runner.RunAsync(new ProcessCommand("buildctl", ["--addr", _harness.Address, "debug", "workers"]) { SearchPath = _harness.SearchPath }, Token);

        Assert.True(workers.Succeeded, workers.Describe() + await File.ReadAllTextAsync(log, Token));
        // The real layout: tabwriter cells padded with tabs to a multiple of eight (a 25-character id takes 32).
        var lines = workers.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ID\t\t\t\tPLATFORMS", lines[0]);
        Assert.Matches("^[a-z0-9]{25}\tlinux/", lines[1]);
        Assert.True(File.Exists(Path.Combine(_harness.Root, "buildkitd.lock")));
    }

    [Fact]
    public async Task The_buildctl_double_fails_like_buildctl_when_nothing_listens()
    {
        var runner = new ProcessRunner(_harness.RunnerLog, TimeProvider.System);

        var outcome = await runner.RunAsync(new ProcessCommand("buildctl", ["--addr", _harness.Address, "debug", "workers"]) { SearchPath = _harness.SearchPath }, Token);

        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith("error: failed to list workers: ", outcome.LastErrorLine, StringComparison.Ordinal);
        Assert.EndsWith("connect: connection refused\"", outcome.LastErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_buildkitd_double_refuses_an_unknown_flag_and_entitlement()
    {
        var runner = new ProcessRunner(_harness.RunnerLog, TimeProvider.System);

        var flag = await runner.RunAsync(new ProcessCommand("buildkitd", ["--no-such-flag"]) { SearchPath = _harness.SearchPath }, Token);
        var entitlement = await runner.RunAsync(new ProcessCommand("buildkitd", ["--allow-insecure-entitlement", "root.everything"]) { SearchPath = _harness.SearchPath }, Token);

        Assert.Equal(1, flag.ExitCode);
        Assert.Contains("flag provided but not defined", flag.LastErrorLine, StringComparison.Ordinal);
        Assert.Equal(1, entitlement.ExitCode);
        Assert.Contains("invalid entitlement", entitlement.LastErrorLine, StringComparison.Ordinal);
    }

    private static string SharedFixtures() => Checkout.Fixtures();
}
