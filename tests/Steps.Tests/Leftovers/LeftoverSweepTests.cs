using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Steps.Tests.Leftovers;

/// <summary>
/// The sweep's decisions: a job is cleaned up only on positive evidence that it is over, in post's order and under
/// post's rules; a job that may still run is left alone and reported once.
/// </summary>
public sealed class LeftoverSweepTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_whose_runner_has_ended_has_its_daemon_stopped_its_disk_unmounted_and_released_and_its_claim_removed()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        var held = claim.Holdings;

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.Empty(world.Daemons.Running);
        Assert.DoesNotContain(held.Root!, world.Devices.Mounted);
        Assert.Equal([new DiskSettlement(held.ExposeId!, held.CacheKey!, Commit: false, FsUsageBytes: null)], world.Store.Settlements);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
        Assert.Equal(
            [$"stopped buildkitd pid {held.Daemon!.Pid}", $"unmounted {held.Root} ({held.Device})", $"released its disk unchanged (exposure {held.ExposeId})"],
            cleanup.Actions);
        Assert.Contains("has ended", cleanup.Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exposure_its_job_committed_before_it_was_killed_is_not_said_to_be_released_unchanged()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Store.SettleOutcome = SettleOutcome.AlreadyCommitted;

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.DoesNotContain("released", string.Join(", ", cleanup.Actions), StringComparison.Ordinal);
        Assert.Contains($"exposure {claim.Holdings.ExposeId} had already been committed", cleanup.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_cleanup_is_journaled_as_one_leftovers_effect()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));

        await world.SweepAsync(SweepWorld.ThisJob, Ct);

        var (_, effect) = Assert.Single(world.Recorder.Effects);
        Assert.Equal((LeftoverSweep.Port, "clean", EffectOutcome.Succeeded), (effect.Port, effect.Method, effect.Outcome));
        Assert.Equal(claim.JobDirectory, effect.Arguments["jobDirectory"]);
    }

    [Fact]
    public async Task A_job_whose_runner_still_runs_is_left_alone()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: true));

        Assert.Empty(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Single(world.Daemons.Running);
        Assert.Contains(claim.Holdings.Root!, world.Devices.Mounted);
        Assert.Empty(world.Store.Settlements);
        Assert.Equal(claim, world.Claims.Read(claim.JobDirectory));
        Assert.Empty(world.Recorder.Effects);
    }

    [Fact]
    public async Task Outside_GitHub_a_job_whose_setup_shell_has_exited_is_left_alone_and_reported_once()
    {
        // GitLab runs after_script in a new shell; Jenkins runs each sh step in its own: the shell's end proves nothing.
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Shell(alive: false), age: TimeSpan.FromHours(2));

        Assert.Empty(await world.SweepAsync(SweepWorld.ThisJob, Ct));
        Assert.True(world.Claims.WasReported(claim.JobDirectory));
        Assert.False(await world.Claims.MarkReportedAsync(claim.JobDirectory, Ct));

        Assert.Single(world.Daemons.Running);
        Assert.Contains(claim.Holdings.Root!, world.Devices.Mounted);
        Assert.Empty(world.Store.Settlements);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_job_older_than_the_maximum_job_duration_is_over()
    {
        var world = new SweepWorld { Options = new LeftoverOptions { MaxJobDuration = TimeSpan.FromHours(3) } };
        var claim = world.HeldJob(world.Shell(alive: true), age: TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1));

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.Contains("longer than a job may run (3 h", cleanup.Why, StringComparison.Ordinal);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_job_from_an_earlier_boot_is_over_and_its_exposure_released()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Shell(alive: true)) with { BootId = "an-earlier-boot" };
        world.Claims.Write(claim);
        world.Daemons.Running.Clear();
        world.Devices.Mounted.Clear();

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Equal("the machine has rebooted since it began", cleanup.Why);
        Assert.Equal(claim.Holdings.ExposeId, Assert.Single(world.Store.Settlements).ExposeId);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task This_jobs_own_claim_is_never_swept()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));

        Assert.Empty(await world.SweepAsync(claim.JobDirectory, Ct));

        Assert.Single(world.Daemons.Running);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_root_a_job_that_may_still_run_uses_is_not_unmounted_on_an_ended_jobs_word_and_the_claim_waits()
    {
        var world = new SweepWorld();
        var running = world.HeldJob(world.Worker(alive: true));
        var ended = world.HeldJob(world.Worker(alive: false), root: running.Holdings.Root);

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Equal(ended.JobDirectory, cleanup.JobDirectory);
        Assert.Contains(running.Holdings.Root!, world.Devices.Mounted);
        Assert.DoesNotContain("unmount", world.Devices.Calls);
        Assert.Empty(world.Store.Settlements);
        Assert.Contains("may still run", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.NotNull(world.Claims.Read(ended.JobDirectory));
    }

    [Fact]
    public async Task A_mount_of_another_device_at_the_root_is_left_alone_said_once_and_the_claim_removed()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Devices.Sources[claim.Holdings.Root!] = "/dev/sdz1";

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete);
        Assert.Contains(claim.Holdings.Root!, world.Devices.Mounted);
        Assert.Contains("not from this job's disk", Assert.Single(cleanup.Notes), StringComparison.Ordinal);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_failed_unmount_releases_nothing_and_keeps_the_claim_for_a_later_cleanup()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        for (var i = 0; i < 5; i++)
        {
            world.Devices.UnmountFailures.Enqueue(new ExternalCallException("device.unmount", ExternalErrorKind.Unavailable, $"{claim.Holdings.Root} is busy"));
        }

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Contains("is busy", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.Empty(world.Store.Settlements);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
        Assert.Equal(EffectOutcome.Failed, Assert.Single(world.Recorder.Effects).Effect.Outcome);
    }

    [Fact]
    public async Task A_daemon_that_will_not_stop_keeps_the_disk_mounted_and_unreleased()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Daemons.IgnoresTerminate = true;
        world.Daemons.IgnoresKill = true;

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Contains("could not stop buildkitd", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain("unmount", world.Devices.Calls);
        Assert.Empty(world.Store.Settlements);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task What_a_job_killed_between_an_effect_and_its_record_left_is_found_and_released()
    {
        // The claim names the job and its root, nothing more: the daemon is found by its launch, the exposure by holder.
        var world = new SweepWorld();
        var full = world.HeldJob(world.Worker(alive: false));
        var bare = full with { Holdings = full.Holdings with { Daemon = null, ExposeId = null } };
        world.Claims.Write(bare);
        world.Daemons.Unrecorded = full.Holdings.Daemon;
        world.Store.Held[full.JobDirectory] = [new ExposedDisk(full.Holdings.ExposeId!, full.Holdings.Device!)];

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.Empty(world.Daemons.Running);
        Assert.DoesNotContain(full.Holdings.Root!, world.Devices.Mounted);
        Assert.Equal(full.Holdings.ExposeId, Assert.Single(world.Store.Settlements).ExposeId);
    }

    [Fact]
    public async Task The_secret_files_of_an_ended_jobs_builds_killed_mid_build_are_removed()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        var other = world.HeldJob(world.Worker(alive: true));
        world.Secrets.Left[claim.JobDirectory] = ["/dev/shm/blacksmith-builds-0/job-1/build-api-1"];
        world.Secrets.Left[other.JobDirectory] = ["/dev/shm/blacksmith-builds-0/job-2/build-web-1"];

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.Contains("removed the secret files a build left (/dev/shm/blacksmith-builds-0/job-1/build-api-1)", cleanup.Actions);
        Assert.False(world.Secrets.Left.ContainsKey(claim.JobDirectory));
        // A job that may still run keeps its builds' files: they may be in use.
        Assert.True(world.Secrets.Left.ContainsKey(other.JobDirectory));
    }

    [Fact]
    public async Task Secret_files_are_removed_even_when_the_daemon_cannot_be_stopped_and_a_failure_to_remove_them_keeps_the_claim()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Daemons.IgnoresTerminate = true;
        world.Daemons.IgnoresKill = true;
        world.Secrets.Left[claim.JobDirectory] = ["/dev/shm/blacksmith-builds-0/job-1/build-api-1"];

        var stuck = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Contains(stuck.Actions, a => a.StartsWith("removed the secret files", StringComparison.Ordinal));
        Assert.Empty(world.Secrets.Left);

        var failing = new SweepWorld();
        var kept = failing.HeldJob(failing.Worker(alive: false));
        failing.Secrets.Failure = new ExternalCallException("buildsecrets.remove", ExternalErrorKind.Failed, "could not remove /dev/shm/x: permission denied");

        var cleanup = Assert.Single(await failing.Sweep().SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Contains("permission denied", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.NotNull(failing.Claims.Read(kept.JobDirectory));
    }

    [Fact]
    public async Task A_disk_from_another_store_is_not_released_through_this_one()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Claims.Write(claim with { Holdings = claim.Holdings with { Store = "agent" } });

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Empty(world.Store.Settlements);
        Assert.Contains("agent store", Assert.Single(cleanup.Notes), StringComparison.Ordinal);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_bug_in_the_cleanup_of_another_job_never_fails_this_jobs_setup_and_keeps_that_jobs_claim()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Worker(alive: false));
        world.Devices.MountSourceFailure = new InvalidOperationException("a bug in the adapter");

        var cleanup = Assert.Single(await world.SweepAsync(SweepWorld.ThisJob, Ct));

        Assert.Contains("a bug in the adapter", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
        Assert.Empty(world.Store.Settlements);
    }

    [Fact]
    public async Task Untrusted_claims_are_not_acted_on()
    {
        var world = new SweepWorld { Claims = { Untrusted = "/run/blacksmith/claims is writable by other users" } };
        world.HeldJob(world.Worker(alive: false));

        Assert.Empty(await world.SweepAsync(SweepWorld.ThisJob, Ct));
        Assert.Single(world.Daemons.Running);
    }

    [Fact]
    public async Task An_administrator_may_clean_up_after_a_job_by_name_whatever_the_evidence()
    {
        var world = new SweepWorld();
        var claim = world.HeldJob(world.Shell(alive: true));

        var cleanup = await world.CleanAsync(claim.JobDirectory, "an administrator asked for it", Ct);

        Assert.NotNull(cleanup);
        Assert.True(cleanup.Complete, cleanup.Describe());
        Assert.Null(world.Claims.Read(claim.JobDirectory));
        Assert.Null(await world.CleanAsync("/tmp/blacksmith/no-such-job", "asked", Ct));
    }

    [Fact]
    public async Task A_review_judges_every_claim_and_touches_nothing()
    {
        var world = new SweepWorld();
        var ended = world.HeldJob(world.Worker(alive: false));
        var running = world.HeldJob(world.Worker(alive: true));

        var reviews = await world.Sweep().ReviewAsync(Ct);

        Assert.Equal(2, reviews.Count);
        Assert.True(reviews.Single(r => r.Stored.Claim!.JobDirectory == ended.JobDirectory).Verdict!.Over);
        Assert.False(reviews.Single(r => r.Stored.Claim!.JobDirectory == running.JobDirectory).Verdict!.Over);
        Assert.Equal(2, world.Daemons.Running.Count);
        Assert.Equal(2, world.Claims.All.Count);
    }
}
