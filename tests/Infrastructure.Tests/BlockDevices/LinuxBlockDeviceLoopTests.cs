using System.Diagnostics;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.BlockDevices;
using Blacksmith.Testing;

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

    [RequiresLoopDevicesFact]
    public async Task Xfs_is_named_as_it_is_and_formatting_replaces_it_with_an_ext4_that_mounts()
    {
        Assert.SkipWhen(ExecutableResolver.Resolve("mkfs.xfs") is null, "mkfs.xfs is not installed (xfsprogs), so no xfs image can be made");
        // xfs needs 300 MB at least.
        await using var loop = await LoopDevice.AttachAsync(320 * MiB, Ct, image => Tool("mkfs.xfs", "-q", image));
        var mountPoint = loop.NewMountPoint();

        Assert.Equal("xfs", await _device.DetectFilesystemAsync(loop.Path, Ct));
        await _device.FormatAsync(loop.Path, Ct);

        Assert.Equal("ext4", await _device.DetectFilesystemAsync(loop.Path, Ct));
        await _device.MountAsync(loop.Path, mountPoint, Ct);
        await _device.UnmountAsync(mountPoint, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task An_ext4_with_garbage_over_its_group_descriptors_fails_to_mount_as_corrupt_and_formatting_heals_it()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint();
        await _device.FormatAsync(loop.Path, Ct);
        await WriteGarbageOverGroupDescriptorsAsync(loop.Path);

        Assert.Equal("ext4", await _device.DetectFilesystemAsync(loop.Path, Ct));
        var corrupt = await Assert.ThrowsAsync<ExternalCallException>(() => _device.MountAsync(loop.Path, mountPoint, Ct));

        Assert.Equal(("device.mount", ExternalErrorKind.Corrupt), (corrupt.Operation, corrupt.Kind));
        Assert.Contains("Structure needs cleaning", corrupt.Message, StringComparison.Ordinal);
        Assert.False(await _device.IsMountedAsync(mountPoint, Ct));
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, mountPoint, Ct);
        await _device.UnmountAsync(mountPoint, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task An_ext4_whose_superblock_holds_garbage_fails_to_mount_as_corrupt()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        await _device.FormatAsync(loop.Path, Ct);
        // s_log_block_size, 24 bytes into the superblock: a block size of 2^58 bytes, with the ext4 magic intact.
        await WriteAsync(loop.Path, 1024 + 24, [0x30, 0, 0, 0]);

        Assert.Equal("ext4", await _device.DetectFilesystemAsync(loop.Path, Ct));
        var corrupt = await Assert.ThrowsAsync<ExternalCallException>(() => _device.MountAsync(loop.Path, loop.NewMountPoint(), Ct));

        Assert.Equal(ExternalErrorKind.Corrupt, corrupt.Kind);
    }

    [RequiresLoopDevicesFact]
    public async Task Random_garbage_is_no_filesystem_and_is_formatted()
    {
        var garbage = new byte[64 * MiB];
        new Random(19).NextBytes(garbage);
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct, image => File.WriteAllBytes(image, garbage));

        Assert.Null(await _device.DetectFilesystemAsync(loop.Path, Ct));
        await _device.FormatAsync(loop.Path, Ct);
        Assert.Equal("ext4", await _device.DetectFilesystemAsync(loop.Path, Ct));
    }

    [RequiresLoopDevicesFact]
    public async Task A_device_mounted_elsewhere_is_never_formatted_and_keeps_its_files()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var elsewhere = loop.NewMountPoint("elsewhere");
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, elsewhere, Ct);
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "cache"), "kept", Ct);

        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => _device.FormatAsync(loop.Path, Ct));

        Assert.Equal(("device.format", ExternalErrorKind.Failed), (refused.Operation, refused.Kind));
        Assert.Contains($"is in use (mounted at {LinuxBlockDevice.Canonical(elsewhere)})", refused.Message, StringComparison.Ordinal);
        Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(elsewhere, "cache"), Ct));
        await _device.UnmountAsync(elsewhere, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task A_mount_this_process_cannot_see_still_keeps_mkfs_from_formatting_the_device()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var elsewhere = loop.NewMountPoint("elsewhere");
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, elsewhere, Ct);
        // As from another mount namespace: the adapter's own look finds no mount, and mkfs's check is what refuses.
        var blind = Path.Combine(Path.GetDirectoryName(loop.Image)!, "empty-mountinfo");
        await File.WriteAllTextAsync(blind, "", Ct);
        var device = new LinuxBlockDevice(new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System), Privilege.Current, new BlockDeviceTimeouts(), null, blind);

        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => device.FormatAsync(loop.Path, Ct));

        Assert.Contains("is in use; it was not formatted", refused.Message, StringComparison.Ordinal);
        Assert.Contains("will not make a filesystem here", refused.Message, StringComparison.Ordinal);
        await _device.UnmountAsync(elsewhere, Ct);
    }

    [RequiresLoopDevicesFact]
    public async Task A_mount_point_that_is_busy_is_not_taken_for_a_corrupt_filesystem()
    {
        await using var loop = await LoopDevice.AttachAsync(64 * MiB, Ct);
        var mountPoint = loop.NewMountPoint();
        await _device.FormatAsync(loop.Path, Ct);
        await _device.MountAsync(loop.Path, mountPoint, Ct);

        var busy = await Assert.ThrowsAsync<ExternalCallException>(() => _device.MountAsync(loop.Path, mountPoint, Ct));

        Assert.Equal(ExternalErrorKind.Failed, busy.Kind);
        Assert.Contains("already mounted", busy.Message, StringComparison.Ordinal);
        await _device.UnmountAsync(mountPoint, Ct);
    }

    /// <summary>
    /// Overwrites the first block of the group descriptor table (the block after the superblock's) with 0xFF, through the
    /// device so that its buffer cache sees it, then drops that cache: the kernel reads the damage at mount.
    /// </summary>
    private async Task WriteGarbageOverGroupDescriptorsAsync(string device)
    {
        var logBlockSize = new byte[4];
        await using (var read = new FileStream(device, FileMode.Open, FileAccess.Read))
        {
            read.Seek(1024 + 24, SeekOrigin.Begin);
            await read.ReadExactlyAsync(logBlockSize, Ct);
        }

        var blockSize = 1024 << BitConverter.ToInt32(logBlockSize);
        var descriptors = blockSize == 1024 ? 2 * 1024 : blockSize;
        await WriteAsync(device, descriptors, Enumerable.Repeat((byte)0xFF, blockSize).ToArray());
    }

    private async Task WriteAsync(string device, long offset, byte[] bytes)
    {
        await using (var write = new FileStream(device, FileMode.Open, FileAccess.Write))
        {
            write.Seek(offset, SeekOrigin.Begin);
            await write.WriteAsync(bytes, Ct);
        }

        await _device.FlushAsync(device, Ct);
    }

    private static void Tool(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        BoundedWait.ForExit(process, $"{tool} {string.Join(' ', arguments)} to exit");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}");
        }
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
