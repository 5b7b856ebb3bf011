using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// The local store on real loop devices (root and /dev/loop-control; skipped with the reason elsewhere, failed instead
/// when <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c>), plus what only this mode has: block devices the mount step formats
/// and mounts, reflinks on xfs, and loop devices to clean up.
/// </summary>
public sealed class LoopDeviceLocalStoreTests : LocalStoreSemanticsTests
{
    private const string Key = "acme/widgets";

    private readonly LinuxBlockDevice _device = new(new ProcessRunner(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProcessRunner>.Instance, TimeProvider.System), Privilege.Current, new BlockDeviceTimeouts());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected override LocalStoreMode Mode => LocalStoreMode.LoopDevice;

    [Fact]
    public async Task A_new_key_is_exposed_as_a_blank_loop_device_of_the_configured_size()
    {
        await using var h = Harness();
        using var store = h.Store();

        Assert.Equal("local", store.Kind);
        var disk = await store.ExposeAsync(Key, Ct);

        Assert.StartsWith("/dev/loop", disk.Device, StringComparison.Ordinal);
        Assert.Equal(8 * LocalStoreHarness.MiB, await _device.GetSizeAsync(disk.Device, Ct));
        Assert.Null(await _device.DetectFilesystemAsync(disk.Device, Ct));
        var exposure = Assert.Single((await h.Admin().ListAsync(Ct)).Exposures);
        Assert.Equal(CloneMethod.New, exposure.Method);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task A_disk_the_mount_step_formatted_keeps_its_files_through_a_commit_and_grows_to_a_larger_configured_size()
    {
        await using var h = Harness();
        var mountPoint = h.NewMountPoint("buildkit");
        var payload = h.Faker.Random.Bytes(2 * (int)LocalStoreHarness.MiB);
        using (var store = h.Store())
        {
            var disk = await store.ExposeAsync(Key, Ct);
            await _device.FormatAsync(disk.Device, Ct);
            await _device.MountAsync(disk.Device, mountPoint, Ct);
            await File.WriteAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), payload, Ct);
            await _device.SyncAsync(mountPoint, Ct);
            await _device.UnmountAsync(mountPoint, Ct);
            await _device.FlushAsync(disk.Device, Ct);
            await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, payload.Length), Ct);
        }

        using var bigger = h.Store(h.Options() with { DiskSizeBytes = 16 * LocalStoreHarness.MiB });
        var next = await bigger.ExposeAsync(Key, Ct);

        Assert.Equal(16 * LocalStoreHarness.MiB, await _device.GetSizeAsync(next.Device, Ct));
        Assert.Equal("ext4", await _device.DetectFilesystemAsync(next.Device, Ct));
        await _device.GrowFilesystemAsync(next.Device, Ct);
        await _device.MountAsync(next.Device, mountPoint, Ct);
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), Ct));
        Assert.InRange((await _device.MeasureAsync(mountPoint, Ct)).SizeBytes, 12 * LocalStoreHarness.MiB, 16 * LocalStoreHarness.MiB);
        await _device.UnmountAsync(mountPoint, Ct);
        await bigger.SettleAsync(new DiskSettlement(next.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task A_commit_is_refused_while_the_device_is_still_mounted_and_accepted_once_it_is_not()
    {
        await using var h = Harness();
        var mountPoint = h.NewMountPoint("buildkit");
        using var store = h.Store();
        var disk = await store.ExposeAsync(Key, Ct);
        await _device.FormatAsync(disk.Device, Ct);
        await _device.MountAsync(disk.Device, mountPoint, Ct);

        var refused = await Assert.ThrowsAsync<ExternalCallException>(
            () => store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct));

        Assert.Equal(ExternalErrorKind.Failed, refused.Kind);
        Assert.Contains($"still mounted ({disk.Device} at {mountPoint})", refused.Message, StringComparison.Ordinal);
        Assert.Empty(h.Generations(Key));
        await _device.UnmountAsync(mountPoint, Ct);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        Assert.Single(h.Generations(Key));
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Start_detaches_loop_devices_over_orphaned_clones_but_never_one_it_does_not_own()
    {
        await using var h = Harness();
        using (var first = h.Store())
        {
            await first.UpAsync(Ct);
        }

        var orphan = Path.Combine(h.DataDirectory, "clones", "orphan-1.img");
        var foreign = Path.Combine(h.Root, "someone-elses.img");
        foreach (var image in new[] { orphan, foreign })
        {
            await using (var file = new FileStream(image, FileMode.CreateNew))
            {
                file.SetLength(4 * LocalStoreHarness.MiB);
            }

            (await h.Runner.RunAsync(new ProcessCommand("losetup", ["--find", "--show", image]), Ct)).EnsureSucceeded("test.attach");
        }

        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        h.AssertNothingLeft();
        Assert.False(File.Exists(orphan));
        Assert.Contains(LoopDevices.List(), d => d.BackingFile == foreign);
        Assert.Contains(h.Log.Messages, m => m.StartsWith("Detached /dev/loop", StringComparison.Ordinal) && m.Contains("orphan-1.img", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_xfs_an_expose_reflinks_the_generation_instead_of_copying_it()
    {
        Assert.SkipWhen(ExecutableResolver.Resolve("mkfs.xfs") is null, "mkfs.xfs is not installed (xfsprogs), so no xfs image can be made to test reflinks on");
        await using var h = Harness();
        var xfs = await h.MountXfsAsync(320 * LocalStoreHarness.MiB);
        h.UseDataDirectory(Path.Combine(xfs, "data"));
        using var store = h.Store(h.Options() with { DiskSizeBytes = 64 * LocalStoreHarness.MiB });
        var committed = await h.CommitNewAsync(store, Key, 32 * LocalStoreHarness.MiB);
        var freeBefore = FreeBytes(xfs);

        var disk = await store.ExposeAsync(Key, Ct);

        Assert.Equal(CloneMethod.Reflink, Assert.Single((await h.Admin().ListAsync(Ct)).Exposures).Method);
        Assert.Equal(committed, h.HashOfDisk(disk));
        // Shared extents: the 32 MiB of data were not copied.
        Assert.InRange(freeBefore - FreeBytes(xfs), -LocalStoreHarness.MiB, LocalStoreHarness.MiB);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Without_reflinks_an_expose_copies_only_the_data_of_a_sparse_generation()
    {
        await using var h = Harness();
        using var store = h.Store(h.Options() with { DiskSizeBytes = 64 * LocalStoreHarness.MiB });
        var committed = await h.CommitNewAsync(store, Key, 3 * LocalStoreHarness.MiB);

        var disk = await store.ExposeAsync(Key, Ct);

        var exposure = Assert.Single((await h.Admin().ListAsync(Ct)).Exposures);
        Assert.Contains(exposure.Method, new CloneMethod?[] { CloneMethod.SparseCopy, CloneMethod.Reflink });
        Assert.Equal(committed, h.HashOfDisk(disk));
        var clone = Path.Combine(h.DataDirectory, "clones", disk.ExposeId + ".img");
        Assert.InRange(FileTree.AllocatedBytes(clone), 3 * LocalStoreHarness.MiB, 4 * LocalStoreHarness.MiB);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
    }

    [Fact]
    public async Task A_data_directory_made_in_loop_device_mode_is_not_opened_in_directory_mode()
    {
        await using var h = Harness();
        using (var store = h.Store())
        {
            await store.UpAsync(Ct);
        }

        using var directory = h.Store(h.Options() with { Mode = LocalStoreMode.Directory });

        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => directory.UpAsync(Ct));
        Assert.Contains("holds a loop-device store; it cannot be opened in directory mode", refused.Message, StringComparison.Ordinal);
        using var auto = h.Store(h.Options() with { Mode = LocalStoreMode.Auto });
        Assert.Equal("local", auto.Kind);
    }

    private protected override void SkipUnlessSupported()
    {
        if (LoopDeviceSupport.MissingReason is { } reason)
        {
            if (LoopDeviceSupport.Required)
            {
                Assert.Fail($"This test needs loop devices ({LoopDeviceSupport.RequiredVariable}=1 asks for it to run, not skip), but: {reason}");
            }

            Assert.Skip($"Needs loop devices: {reason}");
        }
    }

    private static long FreeBytes(string path)
    {
        Assert.Equal(0, Libc.Statvfs(path, out var usage));
        return checked((long)(usage.FreeBlocks * usage.FragmentSize));
    }
}
