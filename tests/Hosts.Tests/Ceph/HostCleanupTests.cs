using System.Security.Cryptography;
using Blacksmith.Testing.BlockDevices;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// What the Ceph tests' cleanup takes away after a run killed mid-way: a loop device over an rbd-fuse image whose
/// mount went with rbd-fuse, and nothing else. The orphan is made as a kill makes it, without a cluster: a file named
/// as the store names an image, on a tmpfs that is lazily unmounted under its loop device.
/// </summary>
public sealed class HostCleanupTests
{
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

    private static string? BackingFile(string device)
    {
        var path = $"/sys/block/{Path.GetFileName(device)}/loop/backing_file";
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\n') : null;
    }
}
