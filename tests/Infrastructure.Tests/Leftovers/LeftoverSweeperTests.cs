using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>The sweep's decisions, with the mount and the store faked (the daemon side runs real processes: LeftoverDaemonTests).</summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverSweeperTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_jobs_mount_is_unmounted_its_disk_released_unchanged_and_its_claim_deleted()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/loop9", StoreKind = world.Store.Kind, ExposeId = "expose-1" };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        var cleanups = await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token);

        var cleanup = Assert.Single(cleanups);
        Assert.Empty(cleanup.Problems);
        Assert.DoesNotContain(claim.Root, world.Devices.Mounted);
        Assert.Equal([new DiskSettlement("expose-1", claim.CacheKey!, Commit: false, FsUsageBytes: null)], world.Store.Settlements);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
        Assert.Equal($"Cleaned up after an earlier job that did not finish ({claim.JobDirectory}): unmounted {claim.Root} (/dev/loop9), released its disk unchanged (exposure expose-1)", cleanup.Describe());
    }

    [Fact]
    public async Task Each_cleanup_is_journaled_as_one_leftovers_effect()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/loop9" };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token);

        var (_, effect) = Assert.Single(world.Recorder.Effects);
        Assert.Equal((LeftoverSweeper.Port, "clean", EffectOutcome.Succeeded), (effect.Port, effect.Method, effect.Outcome));
        Assert.Equal(claim.JobDirectory, effect.Arguments["jobDirectory"]);
    }

    [Fact]
    public async Task A_job_whose_owner_lives_is_left_alone()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive) with { Device = "/dev/loop9", ExposeId = "expose-1", StoreKind = world.Store.Kind };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        var cleanups = await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token);

        Assert.Empty(cleanups);
        Assert.Contains(claim.Root, world.Devices.Mounted);
        Assert.Empty(world.Store.Settlements);
        Assert.Equal(claim, world.Claims.Read(claim.JobDirectory));
        Assert.Empty(world.Recorder.Effects);
    }

    [Fact]
    public async Task An_owner_pid_now_held_by_another_process_counts_as_gone()
    {
        using var world = new ClaimWorld();
        var reused = ClaimWorld.Alive with { StartTimeTicks = ClaimWorld.Alive.StartTimeTicks - 1 };
        var claim = world.Job(reused) with { Device = "/dev/loop9" };
        world.Claims.Write(claim);

        var cleanup = Assert.Single(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Equal("nothing was left running or mounted", cleanup.Describe().Split(": ", 2)[1]);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task This_jobs_own_claim_is_never_swept_even_when_its_owner_is_gone()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/loop9" };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        Assert.Empty(await world.Sweeper().SweepAsync(claim.JobDirectory, Token));
        Assert.Contains(claim.Root, world.Devices.Mounted);
    }

    [Fact]
    public async Task A_claim_from_an_earlier_boot_is_deleted_without_touching_anything()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { BootId = "another-boot", Device = "/dev/loop9", ExposeId = "e", StoreKind = world.Store.Kind };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        Assert.Empty(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Null(world.Claims.Read(claim.JobDirectory));
        Assert.Contains(claim.Root, world.Devices.Mounted);
        Assert.Empty(world.Store.Settlements);
    }

    [Fact]
    public async Task A_root_a_running_job_uses_is_not_unmounted_on_a_dead_jobs_word_and_the_claim_waits()
    {
        using var world = new ClaimWorld();
        var running = world.Job(ClaimWorld.Alive);
        var dead = world.Job(ClaimWorld.Dead(), root: running.Root) with { Device = "/dev/loop9", ExposeId = "e", StoreKind = world.Store.Kind };
        world.Claims.Write(running);
        world.Claims.Write(dead);
        world.Devices.Mounted.Add(running.Root);

        var cleanup = Assert.Single(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Contains(running.Root, world.Devices.Mounted);
        Assert.DoesNotContain("unmount", world.Devices.Calls);
        Assert.Empty(world.Store.Settlements);
        Assert.Contains("still runs", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.NotNull(world.Claims.Read(dead.JobDirectory));
    }

    [Fact]
    public async Task A_mounted_root_with_no_sign_the_dead_job_mounted_it_is_left_mounted_said_once_and_the_claim_removed()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead());
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);

        var cleanup = Assert.Single(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Contains(claim.Root, world.Devices.Mounted);
        Assert.Contains("left mounted", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task A_failed_unmount_is_reported_the_disk_kept_and_the_claim_kept_for_the_next_job()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/loop9", ExposeId = "e", StoreKind = world.Store.Kind };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);
        world.Devices.UnmountFailures.Enqueue(new ExternalCallException("device.unmount", ExternalErrorKind.Unavailable, $"{claim.Root} is busy"));

        var cleanup = Assert.Single(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));

        Assert.Contains("is busy", Assert.Single(cleanup.Problems), StringComparison.Ordinal);
        Assert.Empty(world.Store.Settlements);
        Assert.NotNull(world.Claims.Read(claim.JobDirectory));
        Assert.Equal(EffectOutcome.Failed, Assert.Single(world.Recorder.Effects).Effect.Outcome);
    }

    [Fact]
    public async Task A_disk_from_another_store_is_not_released_through_this_one()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/vdb", ExposeId = "e", StoreKind = "agent" };
        world.Claims.Write(claim);

        await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token);

        Assert.Empty(world.Store.Settlements);
        Assert.Null(world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public async Task Claims_in_a_directory_others_may_write_to_are_not_acted_on()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Dead()) with { Device = "/dev/loop9" };
        world.Claims.Write(claim);
        world.Devices.Mounted.Add(claim.Root);
        File.SetUnixFileMode(world.Claims.Directory, File.GetUnixFileMode(world.Claims.Directory) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        Assert.Empty(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));
        Assert.Contains(claim.Root, world.Devices.Mounted);
    }

    [Fact]
    public async Task No_claims_directory_means_nothing_to_do()
    {
        using var world = new ClaimWorld();

        Assert.Empty(await world.Sweeper().SweepAsync(world.TempPath + "/this-job", Token));
    }
}
