using System.Diagnostics;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leases;
using Blacksmith.Testing.BlockDevices;
using Microsoft.Extensions.Logging.Abstractions;
using Blacksmith.Testing;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The agent's lease check on real loop devices, as upstream's client leaves them: exposed, maybe mounted, and never
/// settled, because that client sends nothing when its job skips the commit. The agent's clock is a fake one, moved past
/// the lease; the store, the devices, the mounts and the processes that hold them are real.
/// </summary>
public sealed class AgentLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromHours(6);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [RequiresLoopDevicesFact]
    public async Task An_exposure_past_its_lease_that_nothing_uses_is_released_and_nothing_is_committed()
    {
        await using var h = new AgentHarness(LocalStoreMode.LoopDevice, lease: Lease);
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        var server = await h.StartAsync(h.Settings() with { LeaseCheckInterval = Interval }, clock: clock);
        var client = h.Client();
        var key = h.NewKey();
        var committed = await client.ExposeAsync(key, Ct);
        await client.SettleAsync(new DiskSettlement(committed.ExposeId, key, Commit: true, null), Ct);
        var abandoned = await client.ExposeAsync(key, Ct);

        var early = server.NextLeaseCheckAsync();
        clock.Advance(Interval);
        var before = await early.WaitAsync(Ct);
        var check = server.NextLeaseCheckAsync();
        clock.Advance(Lease);
        var reviews = await check.WaitAsync(Ct);

        Assert.Equal(LeaseStanding.Held, Assert.Single(before).Verdict.Standing);
        var released = Assert.Single(reviews, r => r.Released);
        Assert.Equal(abandoned.ExposeId, released.Lease.ExposeId);
        Assert.Equal(LeaseStanding.Expired, released.Verdict.Standing);
        var listing = await h.ListAsync();
        Assert.Equal(committed.ExposeId, Assert.Single(Assert.Single(listing.Keys, k => k.Key == key).Generations).ExposeId);
        Assert.DoesNotContain(listing.Exposures, e => e.ExposeId == abandoned.ExposeId);
        Assert.False(IsAttachedUnder(abandoned.Device, h.Root));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Message.StartsWith($"Released exposure {abandoned.ExposeId} of {key} ({abandoned.Device}) unchanged, nothing committed", StringComparison.Ordinal));
    }

    [RequiresLoopDevicesFact]
    public async Task An_exposure_past_its_lease_that_is_mounted_held_open_or_mounted_in_another_namespace_is_kept_until_nothing_uses_it()
    {
        await using var h = new AgentHarness(LocalStoreMode.LoopDevice, lease: Lease);
        var clock = new VirtualTime(DateTimeOffset.UtcNow);
        var server = await h.StartAsync(h.Settings() with { LeaseCheckInterval = Interval }, clock: clock);
        var client = h.Client();
        var device = new LinuxBlockDevice(new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System), Privilege.Current, new BlockDeviceTimeouts());
        var mountPoint = Directory.CreateDirectory(Path.Combine(h.Root, "mnt")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(h.Root, "mnt-ns")).FullName;
        var mounted = await client.ExposeAsync(h.NewKey(), Ct);
        var open = await client.ExposeAsync(h.NewKey(), Ct);
        var inNamespace = await client.ExposeAsync(h.NewKey(), Ct);
        Process? holder = null, namespaced = null;
        try
        {
            // The namespace first: made after the host mount below, it would hold a copy of that too.
            await device.FormatAsync(inNamespace.Device, Ct);
            namespaced = Hold("mount \"$1\" \"$2\" && echo ready && exec sleep 3600", inNamespace.Device, elsewhere, unshareMounts: true);
            holder = Hold("exec 3<\"$1\"; echo ready; exec sleep 3600", open.Device);
            await device.FormatAsync(mounted.Device, Ct);
            await device.MountAsync(mounted.Device, mountPoint, Ct);

            var check = server.NextLeaseCheckAsync();
            clock.Advance(Lease + Interval);
            var kept = await check.WaitAsync(Ct);

            Assert.DoesNotContain(kept, r => r.Released);
            Assert.Equal(3, kept.Count(r => r.Verdict.Standing == LeaseStanding.ExpiredInUse));
            Assert.Contains($"mounted at {mountPoint}", Use(kept, mounted), StringComparison.Ordinal);
            Assert.Contains($"open by pid {holder.Id} (sleep)", Use(kept, open), StringComparison.Ordinal);
            Assert.Contains($"mounted at {elsewhere} in the mount namespace of pid {namespaced.Id}", Use(kept, inNamespace), StringComparison.Ordinal);
            Assert.Equal(3, (await h.ListAsync()).Exposures.Count);
            Assert.True(IsAttachedUnder(open.Device, h.Root));

            await device.UnmountAsync(mountPoint, Ct);
            await StopAsync(holder);
            await StopAsync(namespaced);

            // A check the clock's jump queued may run meanwhile; what counts is that the next checks release all three.
            IReadOnlyList<LeaseReview> last = [];
            for (var i = 0; i < 5 && (await h.ListAsync()).Exposures.Count > 0; i++)
            {
                var next = server.NextLeaseCheckAsync();
                clock.Advance(Interval);
                last = await next.WaitAsync(Ct);
            }

            var listing = await h.ListAsync();
            var logged = h.Logs.GetSnapshot().Select(r => r.Message).ToList();
            var ours = new[] { holder.Id, namespaced.Id };
            foreach (var disk in new[] { mounted, open, inNamespace })
            {
                if (listing.Exposures.Any(e => e.ExposeId == disk.ExposeId))
                {
                    // The machine is shared: a namespace another test made while the disk was mounted here (ip netns exec
                    // makes one) holds a copy of that mount until its process ends. Kept for that, and only for that.
                    var use = Use(last, disk);
                    Assert.Matches(@"in the mount namespace of pid (\d+)", use);
                    Assert.DoesNotContain(int.Parse(System.Text.RegularExpressions.Regex.Match(use, @"pid (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), ours);
                }
                else
                {
                    Assert.Contains(logged, l => l.StartsWith($"Released exposure {disk.ExposeId} ", StringComparison.Ordinal));
                }
            }

            Assert.DoesNotContain(listing.Exposures, e => e.ExposeId == open.ExposeId);
            Assert.All(listing.Keys, k => Assert.Empty(k.Generations));
            Assert.False(IsAttachedUnder(open.Device, h.Root));
        }
        finally
        {
            await StopAsync(holder);
            await StopAsync(namespaced);
            if (await device.IsMountedAsync(mountPoint, CancellationToken.None))
            {
                await device.UnmountAsync(mountPoint, CancellationToken.None);
            }
        }
    }

    private static string Use(IReadOnlyList<LeaseReview> reviews, ExposedDisk disk) =>
        Assert.Single(reviews, r => r.Lease.ExposeId == disk.ExposeId).Verdict.Use ?? "";

    /// <summary>A real process that holds the device as <paramref name="script"/> says, started once it says ready.</summary>
    private static Process Hold(string script, string first, string second = "", bool unshareMounts = false)
    {
        // unshare: a mount namespace of its own, private, so the mount is seen from no other namespace.
        var start = unshareMounts
            ? new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", first, second])
            : new ProcessStartInfo("sh", ["-c", script, "sh", first, second]);
        start.RedirectStandardOutput = true;
        var process = Process.Start(start)!;
        var said = process.StandardOutput.ReadLine();
        return said == "ready" ? process : throw new InvalidOperationException($"'{script}' did not get ready (exit {(process.HasExited ? process.ExitCode : -1)})");
    }

    private static async Task StopAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await BoundedWait.ForExitAsync(process, "the agent to die after SIGKILL");
    }

    private static bool IsAttachedUnder(string device, string root)
    {
        var backing = Path.Combine("/sys/block", Path.GetFileName(device), "loop", "backing_file");
        return File.Exists(backing) && File.ReadAllText(backing).StartsWith(root, StringComparison.Ordinal);
    }
}
