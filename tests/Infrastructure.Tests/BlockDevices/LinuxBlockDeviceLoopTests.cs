using System.Diagnostics;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>
/// <see cref="LinuxBlockDevice"/> against the real tools, on ext4 images attached to loop devices. Needs root and
/// /dev/loop-control (see <see cref="RequiresLoopDevicesFactAttribute"/>); CI runs them.
/// </summary>
public sealed class LinuxBlockDeviceLoopTests
{
    private const long MiB = 1024 * 1024;

    private readonly LinuxBlockDevice _device = new(new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System), Privilege.Current, new BlockDeviceTimeouts());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [RequiresLoopDevicesFact]
    public async Task A_formatted_disk_keeps_its_files_across_unmount_and_mount()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint("buildkit/root");

        Assert.Equal(64 * MiB, await _device.GetSizeAsync(loop.Path, Ct));
        await _device.FormatAsync(loop.Path, Ct);
        Assert.Equal("ext4", await _device.DetectFilesystemAsync(loop.Path, Ct));

        await _device.MountAsync(loop.Path, mountPoint, Ct);
        Assert.True(await _device.IsMountedAsync(mountPoint, Ct));
        var payload = new byte[3 * MiB];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), payload, Ct);
        await _device.SyncAsync(mountPoint, Ct);
        var usage = await _device.MeasureAsync(mountPoint, Ct);
        await _device.UnmountAsync(mountPoint, Ct);
        await _device.FlushAsync(loop.Path, Ct);

        Assert.False(await _device.IsMountedAsync(mountPoint, Ct));
        Assert.InRange(usage.UsedBytes, payload.Length, usage.SizeBytes);
        Assert.InRange(usage.SizeBytes, 50 * MiB, 64 * MiB);

        await _device.MountAsync(loop.Path, mountPoint, Ct);
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), Ct));
        await _device.UnmountAsync(mountPoint, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task Mount_uses_noinit_itable_and_creates_the_mount_point()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint("deep/er/mnt");
        await _device.FormatAsync(loop.Path, Ct);

        await _device.MountAsync(loop.Path, mountPoint, Ct);

        var canonical = LinuxBlockDevice.Canonical(mountPoint);
        var entry = Assert.Single(await MountInfo.ReadAsync(MountInfo.SelfPath, Ct), e => e.MountPoint == canonical);
        Assert.Equal("ext4", entry.FilesystemType);
        Assert.Equal(loop.Path, entry.Source);
        Assert.Contains("noinit_itable", entry.SuperOptions.Split(','));
        await _device.UnmountAsync(mountPoint, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task A_grown_device_shows_its_new_size_and_the_filesystem_grows_to_it()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint();
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, mountPoint, Ct);
        var before = await _device.MeasureAsync(mountPoint, Ct);
        await _device.UnmountAsync(mountPoint, Ct);

        await loop.ResizeAsync(128 * MiB, Ct);
        Assert.Equal(128 * MiB, await _device.GetSizeAsync(loop.Path, Ct));
        await _device.GrowFilesystemAsync(loop.Path, Ct);

        await _device.MountAsync(loop.Path, mountPoint, Ct);
        var after = await _device.MeasureAsync(mountPoint, Ct);
        await _device.UnmountAsync(mountPoint, Ct);
        // 64 MiB more device, less the inode tables and group descriptors of the new block groups.
        Assert.InRange(after.SizeBytes, before.SizeBytes + (56 * MiB), 128 * MiB);
    }

    [RequiresLoopDevicesFact]
    public async Task A_blank_device_has_no_filesystem()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);

        Assert.Null(await _device.DetectFilesystemAsync(loop.Path, Ct));
    }

    [RequiresLoopDevicesFact]
    public async Task A_device_with_a_partition_table_is_not_taken_for_a_blank_one()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct, WriteMasterBootRecord);

        Assert.Equal("dos partition table", await _device.DetectFilesystemAsync(loop.Path, Ct));
    }

    [RequiresLoopDevicesFact]
    public async Task A_file_held_open_keeps_the_mount_busy_until_it_is_closed()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint();
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, mountPoint, Ct);

        var held = new FileStream(Path.Combine(mountPoint, "buildkitd.lock"), FileMode.Create);
        ExternalCallException busy;
        try
        {
            busy = await Assert.ThrowsAsync<ExternalCallException>(() => _device.UnmountAsync(mountPoint, Ct));
        }
        finally
        {
            await held.DisposeAsync();
        }

        Assert.Equal(("device.unmount", ExternalErrorKind.Unavailable), (busy.Operation, busy.Kind));
        Assert.Contains("target is busy", busy.Message, StringComparison.Ordinal);
        await _device.UnmountAsync(mountPoint, Ct);
        Assert.False(await _device.IsMountedAsync(mountPoint, Ct));
    }

    [RequiresLoopDevicesFact]
    public async Task A_process_working_inside_the_mount_keeps_it_busy_until_it_exits()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint();
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, mountPoint, Ct);

        // Process.Start returns after the child has changed into the directory and exec'd, so no wait is needed.
        using var resident = Process.Start(new ProcessStartInfo("sleep", ["600"]) { WorkingDirectory = mountPoint })!;
        ExternalCallException busy;
        try
        {
            busy = await Assert.ThrowsAsync<ExternalCallException>(() => _device.UnmountAsync(mountPoint, Ct));
        }
        finally
        {
            resident.Kill();
            await resident.WaitForExitAsync(Ct);
        }

        Assert.True(busy.IsTransient);
        await _device.UnmountAsync(mountPoint, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task Unmounting_a_directory_with_nothing_mounted_fails_and_says_so()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var directory = Directory.CreateDirectory(loop.NewMountPoint()).FullName;

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => _device.UnmountAsync(directory, Ct));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("nothing is mounted", error.Message, StringComparison.Ordinal);
    }

    [RequiresLoopDevicesFact]
    public async Task A_zero_size_device_reports_zero_bytes_and_no_filesystem_and_cannot_be_formatted()
    {
        await using var loop = await LoopDevice.AttachAsync(0, Ct);

        Assert.Equal(0, await _device.GetSizeAsync(loop.Path, Ct));
        Assert.Null(await _device.DetectFilesystemAsync(loop.Path, Ct));
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => _device.FormatAsync(loop.Path, Ct));
        Assert.Equal(("device.format", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Contains("Device size reported to be zero", error.Message, StringComparison.Ordinal);
    }

    [RequiresLoopDevicesFact]
    public async Task A_device_path_that_does_not_exist_has_no_size_and_cannot_be_probed_or_formatted()
    {
        var missing = $"/dev/blacksmith-missing-{Guid.NewGuid():N}";

        Assert.Equal(0, await _device.GetSizeAsync(missing, Ct));
        var detect = await Assert.ThrowsAsync<ExternalCallException>(() => _device.DetectFilesystemAsync(missing, Ct));
        var format = await Assert.ThrowsAsync<ExternalCallException>(() => _device.FormatAsync(missing, Ct));
        Assert.Contains("does not exist", detect.Message, StringComparison.Ordinal);
        Assert.Equal(ExternalErrorKind.Failed, format.Kind);
    }

    /// <summary>A DOS partition table with one Linux partition, as <c>fdisk</c> would write it.</summary>
    private static void WriteMasterBootRecord(string image)
    {
        using var file = new FileStream(image, FileMode.Open);
        byte[] partition = [0x00, 0, 0, 0, 0x83, 0, 0, 0, 0x00, 0x08, 0, 0, 0x00, 0x10, 0, 0]; // type 83, LBA 2048, 4096 sectors
        file.Seek(446, SeekOrigin.Begin);
        file.Write(partition);
        file.Seek(510, SeekOrigin.Begin);
        file.Write([0x55, 0xAA]);
    }
}
