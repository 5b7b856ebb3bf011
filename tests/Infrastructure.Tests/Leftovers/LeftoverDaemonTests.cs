using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Buildkit;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>The cleanup after a job against real processes: the buildkitd double plays the job's daemon.</summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverDaemonTests
{
    private static readonly IReadOnlySet<string> NoRunningJobs = new HashSet<string>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_ended_jobs_daemon_is_stopped()
    {
        await using var harness = new DaemonHarness();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);
        var claim = Claim(harness) with { Holdings = Holdings(harness) with { Daemon = daemon } };

        var cleanup = await ClaimWorld.Cleanup(daemons, new FakeBlockDevice()).CleanAsync(claim, "its runner has ended", NoRunningJobs, Token);

        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.Equal([$"stopped buildkitd pid {daemon.Pid}"], cleanup.Actions);
        Assert.True(cleanup.Complete);
    }

    [Fact]
    public async Task A_daemon_the_job_never_recorded_is_found_by_its_config_file_and_stopped()
    {
        await using var harness = new DaemonHarness();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);

        // Killed between spawn and its record: the claim names the job, not the daemon.
        var found = await daemons.FindLaunchedAsync(harness.Launch, Token);
        var cleanup = await ClaimWorld.Cleanup(daemons, new FakeBlockDevice()).CleanAsync(Claim(harness), "its runner has ended", NoRunningJobs, Token);

        Assert.Equal((daemon.Pid, daemon.StartTimeTicks), (found?.Pid, found?.StartTimeTicks));
        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.Equal([$"stopped buildkitd pid {daemon.Pid}"], cleanup.Actions);
        Assert.Null(await daemons.FindLaunchedAsync(harness.Launch, Token));
    }

    [Fact]
    public async Task A_daemon_that_ignores_SIGTERM_is_killed()
    {
        await using var harness = new DaemonHarness();
        var daemons = harness.Daemon(harness.Options(fault: "ignore-sigterm"));
        var daemon = await harness.SpawnAsync(daemons);
        await DaemonHarness.ProbeUntilSettledAsync(daemons, daemon);
        var claim = Claim(harness) with { Holdings = Holdings(harness) with { Daemon = daemon } };

        var cleanup = await ClaimWorld.Cleanup(daemons, new FakeBlockDevice(), stopGrace: TimeSpan.FromMilliseconds(200))
            .CleanAsync(claim, "its runner has ended", NoRunningJobs, Token);

        Assert.False(ProcessLifetime.IsRunning(Process(daemon)));
        Assert.StartsWith($"killed buildkitd pid {daemon.Pid}", Assert.Single(cleanup.Actions), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recorded_daemon_pid_now_held_by_another_process_is_never_signalled()
    {
        await using var harness = new DaemonHarness();
        var daemons = harness.Daemon(harness.Options());
        var daemon = await harness.SpawnAsync(daemons);
        // Same pid, another start time: as if the daemon had died and its pid been reused. Its config names another job.
        var claim = Claim(harness) with
        {
            JobDirectory = harness.TempPath + "/another-job",
            Holdings = Holdings(harness) with { Daemon = daemon with { StartTimeTicks = daemon.StartTimeTicks + 1 } },
        };

        var cleanup = await ClaimWorld.Cleanup(daemons, new FakeBlockDevice()).CleanAsync(claim, "its runner has ended", NoRunningJobs, Token);

        Assert.Empty(cleanup.Actions);
        Assert.True(ProcessLifetime.IsRunning(Process(daemon)));
    }

    private static JobHoldings Holdings(DaemonHarness harness) => new(harness.Root, harness.Address, "fake", "key");

    private static JobClaim Claim(DaemonHarness harness) =>
        new(harness.JobDirectory, ClaimWorld.Dead(), "boot", DateTimeOffset.UnixEpoch, Holdings(harness));

    private static SpawnedProcess Process(DaemonIdentity daemon) => new(daemon.Pid, daemon.StartTimeTicks);
}
