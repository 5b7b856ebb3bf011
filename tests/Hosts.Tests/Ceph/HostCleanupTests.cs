using System.Diagnostics;
using System.Security.Cryptography;
using Blacksmith.Testing;
using Blacksmith.Testing.BlockDevices;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// What the Ceph tests' cleanup takes away after a run killed mid-way: a loop device over an rbd-fuse image whose
/// mount went with rbd-fuse, and nothing else. The orphan is made as a kill makes it, without a cluster: a file named
/// as the store names an image, on a tmpfs that is lazily unmounted under its loop device. And stopping an rbd-fuse
/// ends, however it went: one that became a zombie is reported with the parent that never reaped it.
/// </summary>
public sealed class HostCleanupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [RequiresLoopDevicesFact]
    public async Task A_loop_device_left_over_an_image_whose_mount_is_gone_is_detached_and_no_other_device_is()
    {
        var gone = Directory.CreateTempSubdirectory("blacksmith-cleanup-gone-").FullName;
        var live = Directory.CreateTempSubdirectory("blacksmith-cleanup-live-").FullName;
        var image = $"acme%2Fwidgets~c{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var liveImage = $"acme%2Fwidgets~c{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var foreign = $"someone-else-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.img";
        List<string> devices = [];
        try
        {
            await CephHost.RunAsync("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", gone);
            await CephHost.RunAsync("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", live);
            foreach (var file in new[] { Path.Combine(gone, image), Path.Combine(gone, foreign), Path.Combine(live, liveImage) })
            {
                await using (var stream = File.Create(file))
                {
                    stream.SetLength(8L * 1024 * 1024);
                }

                devices.Add((await CephHost.RunAsync("losetup", "--find", "--show", file)).Trim());
            }

            // As when rbd-fuse is killed: its mount goes, and the devices over its files read their paths from the root.
            await CephHost.RunAsync("umount", "-l", gone);
            Assert.Contains($"(/{image})", await CephHost.RunAsync("losetup", devices[0]), StringComparison.Ordinal);

            var detached = await HostCleanup.DetachOrphanedImageDevicesAsync();

            Assert.Contains(devices[0], detached);
            Assert.DoesNotContain(devices[1], detached);
            Assert.DoesNotContain(devices[2], detached);
            var attached = await CephHost.RunAsync("losetup", "--all");
            Assert.DoesNotContain(image, attached, StringComparison.Ordinal);
            Assert.Contains(foreign, attached, StringComparison.Ordinal);
            Assert.Contains(liveImage, attached, StringComparison.Ordinal);
        }
        finally
        {
            // Each device only while it is still ours: a detached number may already be someone else's.
            foreach (var device in devices.Where(d => BackingFile(d) is { } backing && (backing.EndsWith(image, StringComparison.Ordinal)
                || backing.EndsWith(foreign, StringComparison.Ordinal) || backing.EndsWith(liveImage, StringComparison.Ordinal))))
            {
                await CephHost.TryRunAsync("losetup", "-d", device);
            }

            await CephHost.TryRunAsync("umount", "-l", live);
            await CephHost.TryRunAsync("umount", "-l", gone);
            Directory.Delete(live, recursive: true);
            Directory.Delete(gone, recursive: true);
        }
    }

    [Fact]
    public async Task Stopping_a_process_that_became_a_zombie_ends_and_names_the_parent_that_never_reaped_it()
    {
        // perl does not reap a child it never waits for: the child stays a zombie for as long as perl lives.
        using var parent = Process.Start(new ProcessStartInfo("perl", ["-e", "$| = 1; if (fork() == 0) { exit 0 } print \"forked\\n\"; sleep 600"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("forked", await BoundedWait.ForAsync(parent.StandardOutput.ReadLineAsync(Ct).AsTask(), "perl to fork", cancellationToken: Ct));
            var zombie = 0;
            await BoundedWait.UntilAsync(() => (zombie = ZombieChildOf(parent.Id)) != 0, $"perl (pid {parent.Id})'s child to exit", cancellationToken: Ct);
            using var process = Process.GetProcessById(zombie);

            var error = await Assert.ThrowsAsync<TimeoutException>(
                () => BoundedWait.ForAsync(HostCleanup.StopAsync(process), $"HostCleanup.StopAsync to give up on zombie pid {zombie}", TimeSpan.FromMinutes(2), Ct));

            Assert.Contains("a zombie", error.Message, StringComparison.Ordinal);
            Assert.Contains($"pid {zombie} (perl, Z) under pid {parent.Id} (perl, S) under pid {Environment.ProcessId} (", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            parent.Kill();
            await BoundedWait.ForExitAsync(parent, "perl to die", cancellationToken: Ct);
        }
    }

    private static int ZombieChildOf(int parent)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && pid != parent && BoundedWait.Describe(pid).Contains($" under pid {parent} ", StringComparison.Ordinal)
                && BoundedWait.IsGoneOrZombie(pid) && !BoundedWait.IsGone(pid))
            {
                return pid;
            }
        }

        return 0;
    }

    private static string? BackingFile(string device)
    {
        var path = $"/sys/block/{Path.GetFileName(device)}/loop/backing_file";
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\n') : null;
    }
}
