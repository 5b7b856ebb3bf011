using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Buildkit;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>The sweep against real processes: the buildkitd double plays an earlier job's daemon.</summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverDaemonTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_jobs_daemon_is_stopped_and_its_claim_removed()
    {
        await using var harness = new DaemonHarness();
        using var world = new ClaimWorld();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);
        var claim = Claim(harness, ClaimWorld.Dead()) with { Daemon = new ClaimedProcess(daemon.Pid, daemon.StartTimeTicks, "buildkitd") };
        world.Claims.Write(claim);

        var cleanup = Assert.Single(await world.Sweeper(daemons).SweepAsync(world.TempPath + "/this-job", Token));

        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.Equal([$"stopped buildkitd pid {daemon.Pid}"], cleanup.Actions);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_daemon_the_dead_job_never_recorded_is_found_by_its_config_file_and_stopped()
    {
        await using var harness = new DaemonHarness();
        using var world = new ClaimWorld();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        // Killed between spawn and the end of setup: the claim names the job, not the daemon.
        world.Claims.Write(Claim(harness, ClaimWorld.Dead()));

        var cleanup = Assert.Single(await world.Sweeper(daemons).SweepAsync(world.TempPath + "/this-job", Token));

        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.Equal([$"stopped buildkitd pid {daemon.Pid}"], cleanup.Actions);
    }

    [Fact]
    public async Task A_daemon_that_ignores_SIGTERM_is_killed()
    {
        await using var harness = new DaemonHarness();
        using var world = new ClaimWorld();
        var daemons = harness.Daemon(harness.Options(fault: "ignore-sigterm"));
        var daemon = await harness.SpawnAsync(daemons);
        await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);
        world.Claims.Write(Claim(harness, ClaimWorld.Dead()) with { Daemon = new ClaimedProcess(daemon.Pid, daemon.StartTimeTicks, "buildkitd") });

        var cleanup = Assert.Single(await world.Sweeper(daemons, options: new LeftoverSweepOptions { StopGrace = TimeSpan.FromMilliseconds(200) })
            .SweepAsync(world.TempPath + "/this-job", Token));

        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.StartsWith($"killed buildkitd pid {daemon.Pid}", Assert.Single(cleanup.Actions), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_jobs_daemon_is_left_running_and_its_claim_kept()
    {
        await using var harness = new DaemonHarness();
        using var world = new ClaimWorld();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        var claim = Claim(harness, ClaimWorld.Alive) with { Daemon = new ClaimedProcess(daemon.Pid, daemon.StartTimeTicks, "buildkitd") };
        world.Claims.Write(claim);

        Assert.Empty(await world.Sweeper(daemons).SweepAsync(world.TempPath + "/this-job", Token));

        Assert.True(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.Equal(claim, world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_recorded_daemon_pid_now_held_by_another_process_is_never_signalled()
    {
        await using var harness = new DaemonHarness();
        using var world = new ClaimWorld();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        // Same pid, another start time: as if the daemon had died and its pid been reused. Its config names another job.
        var claim = Claim(harness, ClaimWorld.Dead()) with
        {
            JobDirectory = world.TempPath + "/another-job",
            Daemon = new ClaimedProcess(daemon.Pid, daemon.StartTimeTicks + 1, "buildkitd"),
        };
        world.Claims.Write(claim);

        var cleanup = Assert.Single(await world.Sweeper(daemons).SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Empty(cleanup.Actions);
        Assert.True(ProcessLifetime.IsRunning(Process(daemon)));
    }

    private static JobClaim Claim(DaemonHarness harness, ClaimedProcess owner) =>
        new(harness.JobDirectory, harness.Root, harness.Address, owner, JobClaims.CurrentBootId(), DateTimeOffset.UnixEpoch);

    private static SpawnedProcess Process(DaemonIdentity daemon) => new(daemon.Pid, daemon.StartTimeTicks);
}
