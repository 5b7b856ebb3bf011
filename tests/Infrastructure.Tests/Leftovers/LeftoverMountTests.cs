using System.Runtime.Versioning;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Buildkit;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>
/// A dead job's whole leftover: its buildkitd running on a real mount at its root. The mount is a tmpfs (what is
/// mounted does not matter to the sweep, that something is does); it needs root and a kernel that lets this process
/// mount, and runs where loop devices are required (BLACKSMITH_REQUIRE_LOOP_DEVICES=1), since those machines can.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverMountTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_ended_jobs_daemon_is_stopped_and_then_its_root_unmounted()
    {
        await using var harness = new DaemonHarness();
        var runner = new ProcessRunner(harness.RunnerLog, TimeProvider.System);
        var devices = new LinuxBlockDevice(runner, Privilege.Current, new BlockDeviceTimeouts());
        await MountTmpfsOrSkipAsync(runner, harness.Root);
        try
        {
            var daemons = harness.Daemon(harness.Options());
            var daemon = await harness.SpawnAsync(daemons);
            await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);
            var claim = new JobClaim(harness.JobDirectory, ClaimWorld.Dead(), "boot", DateTimeOffset.UnixEpoch, new JobHoldings(harness.Root, harness.Address, "fake", "key")
            {
                Daemon = daemon,
                Device = "tmpfs",
                MountPoint = harness.Root,
            });

            Assert.Equal("tmpfs", await devices.MountSourceAsync(harness.Root, Token));
            var cleanup = await ClaimWorld.Cleanup(daemons, devices).CleanAsync(claim, "its runner has ended", new HashSet<string>(), Token);

            Assert.Empty(cleanup.Problems);
            Assert.Equal([$"stopped buildkitd pid {daemon.Pid}", $"unmounted {harness.Root} (tmpfs)"], cleanup.Actions);
            Assert.False(await devices.IsMountedAsync(harness.Root, Token));
            Assert.False(ProcessLifetime.IsRunning(new SpawnedProcess(daemon.Pid, daemon.StartTimeTicks)));
        }
        finally
        {
            if (await devices.IsMountedAsync(harness.Root, CancellationToken.None))
            {
                await devices.UnmountAsync(harness.Root, CancellationToken.None);
            }
        }
    }

    private static async Task MountTmpfsOrSkipAsync(ProcessRunner runner, string root)
    {
        string? reason = null;
        if (Libc.GetEffectiveUserId() != 0)
        {
            reason = "needs root to mount";
        }
        else
        {
            Directory.CreateDirectory(root);
            var mount = await runner.RunAsync(new ProcessCommand("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", root]) { Timeout = TimeSpan.FromSeconds(30) }, Token);
            if (!mount.Succeeded)
            {
                reason = $"this process may not mount: {mount.Describe()}";
            }
        }

        if (reason is null)
        {
            return;
        }

        if (LoopDeviceSupport.Required)
        {
            Assert.Fail($"This test needs to mount ({LoopDeviceSupport.RequiredVariable}=1 asks for it to run, not skip), but it {reason}");
        }

        Assert.Skip(reason);
    }
}
