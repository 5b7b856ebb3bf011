using System.Diagnostics;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Testing.Agent;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// A job on a Blacksmith runner: the sticky-disk token selects agent mode, the disk comes from the agent over gRPC
/// (a real loopback agent handing out a real loop device), and the commit goes back to it.
/// </summary>
public sealed class AgentModeJobTests : IAsyncDisposable
{
    private const string Token = "stickydisk-token-0123456789";

    private readonly DirectoryInfo _disks = Directory.CreateTempSubdirectory("blacksmith-agent-disk-");
    private readonly RunnerSimulator _runner = RunnerSimulator.Create();
    private string? _device;

    [RequiresRunnerFact]
    public async Task A_green_job_on_a_blacksmith_runner_commits_through_the_agent_with_the_filesystem_usage()
    {
        _device = await AttachLoopDeviceAsync(Path.Combine(_disks.FullName, "disk.img"));
        await using var agent = await FakeStickyDiskAgent.StartAsync(TestContext.Current.CancellationToken);
        agent.Disks = _ => new AgentDisk("expose-7", _device);
        await using var controlPlane = await FakeControlPlane.StartAsync();
        _runner.MachineEnvironment["BLACKSMITH_STICKYDISK_TOKEN"] = Token;
        _runner.MachineEnvironment["BLACKSMITH_VM_ID"] = "vm-42";
        _runner.MachineEnvironment["BLACKSMITH_AGENT_ADDRESS"] = agent.Address.ToString();
        _runner.MachineEnvironment["BLACKSMITH_BACKEND_URL"] = controlPlane.Address.ToString();
        _runner.MachineEnvironment["BLACKSMITH_REGISTRY_MIRROR"] = "http://127.0.0.1:9";
        _runner.MachineEnvironment["GITHUB_REPO_NAME"] = "shop";

        var job = await _runner.RunJobAsync([SimulatedJobTests.Setup("builder"), SimulatedJobTests.Build("api"), SimulatedJobTests.Build("web")]);

        SimulatedJobTests.AssertGreen(job);
        Assert.Contains("Store: agent", job.Main("builder").Run!.Output, StringComparison.Ordinal);
        var expose = Assert.Single(agent.Exposes);
        Assert.Equal(("shop-image", Token, "vm-42"), (expose.StickyDiskKey, expose.Token, expose.VmId));
        var commit = Assert.Single(agent.Commits);
        Assert.True(commit.ShouldCommit, commit.ToString());
        Assert.Equal(("expose-7", "shop-image"), (commit.ExposeId, commit.StickyDiskKey));
        Assert.True(commit.FsDiskUsageBytes > 0, commit.ToString());
        Assert.Equal(2, controlPlane.Requests.Count(r => r == "POST stickydisks/dockerbuilds"));
        Assert.DoesNotContain(job.Steps, s => s.Run!.Lines.Any(l => l.Contains(Token, StringComparison.Ordinal)));

        var status = await RunnerSimulator.StatusAsync(job);
        Assert.Equal("agent", status.GetProperty("store").GetString());
        Assert.Equal("commit", SimulatedJobTests.Decision(status));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _runner.DisposeAsync();
        }
        finally
        {
            if (_device is not null)
            {
                await RunAsync("losetup", "-d", _device);
            }

            _disks.Delete(recursive: true);
        }
    }

    // The agent's disks are block devices it attaches; here the test plays that part with a sparse image.
    private static async Task<string> AttachLoopDeviceAsync(string image)
    {
        await using (var file = File.Create(image))
        {
            file.SetLength(512L * 1024 * 1024);
        }

        return (await RunAsync("losetup", "--find", "--show", image)).Trim();
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await BoundedWait.ForExitAsync(process, $"{tool} {string.Join(' ', arguments)} to exit", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {await errors}");
        return await output;
    }
}
