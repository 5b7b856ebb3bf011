using System.Runtime.Versioning;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>
/// The commands <see cref="LinuxBlockDevice"/> runs and how it reads their results, against stand-in tools run by the
/// shared process runner: these run without root. The loop-device tests check the same against the real tools.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxBlockDeviceCommandTests : IDisposable
{
    private const string Device = "/dev/vdb";
    private const string MountPoint = "/var/lib/buildkit";

    private readonly TempDirectory _temp = new();
    private readonly FakeBlockTools _tools;
    private readonly string _mountInfo;

    public LinuxBlockDeviceCommandTests()
    {
        _tools = new FakeBlockTools(_temp.Sub("tools"));
        _mountInfo = _temp.Sub("mountinfo");
        File.WriteAllText(_mountInfo, "28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Format_runs_mkfs_ext4_quietly_with_the_flags_setup_docker_builder_uses()
    {
        await Root().FormatAsync(Device, Ct);

        Assert.Equal("mkfs.ext4 -q -m0 -Enodiscard,lazy_itable_init=1,lazy_journal_init=1 -F /dev/vdb", Assert.Single(_tools.Ran));
    }

    [Fact]
    public async Task Tools_run_in_the_C_locale_so_their_messages_can_be_recognised()
    {
        await Root().UnmountAsync(MountPoint, Ct);
        await NotRoot().FlushAsync(Device, Ct);

        Assert.Equal("C", _tools.LocaleOf("umount"));
        Assert.Equal("C", _tools.LocaleOf("blockdev"));
    }

    [Fact]
    public async Task Every_command_goes_through_sudo_n_when_not_root()
    {
        var device = NotRoot();

        await device.FormatAsync(Device, Ct);
        await device.GrowFilesystemAsync(Device, Ct);
        await device.SyncAsync(MountPoint, Ct);
        await device.UnmountAsync(MountPoint, Ct);
        await device.FlushAsync(Device, Ct);

        // The tool by absolute path (sudo's secure_path cannot pick another), the locale by name only.
        Assert.Equal(
            [
                "sudo -n --preserve-env=LC_ALL -- mkfs.ext4 -q -m0 -Enodiscard,lazy_itable_init=1,lazy_journal_init=1 -F /dev/vdb",
                "sudo -n --preserve-env=LC_ALL -- resize2fs -f /dev/vdb",
                "sudo -n --preserve-env=LC_ALL -- sync -f /var/lib/buildkit",
                "sudo -n --preserve-env=LC_ALL -- umount /var/lib/buildkit",
                "sudo -n --preserve-env=LC_ALL -- blockdev --flushbufs /dev/vdb",
            ],
            _tools.Sudo);
        Assert.Equal(5, _tools.Ran.Count);
    }

    [Fact]
    public async Task Root_runs_the_tools_directly()
    {
        var device = Root();

        await device.GrowFilesystemAsync(Device, Ct);
        await device.SyncAsync(MountPoint, Ct);
        await device.UnmountAsync(MountPoint, Ct);
        await device.FlushAsync(Device, Ct);

        Assert.Equal(
            ["resize2fs -f /dev/vdb", "sync -f /var/lib/buildkit", "umount /var/lib/buildkit", "blockdev --flushbufs /dev/vdb"],
            _tools.Ran);
        Assert.Empty(_tools.Sudo);
    }

    [Fact]
    public async Task Mount_creates_a_missing_mount_point_then_mounts_ext4_without_inode_table_zeroing()
    {
        var mountPoint = _temp.Sub("missing/buildkit");

        await NotRoot().MountAsync(Device, mountPoint, Ct);

        Assert.Equal(
            [$"sudo -n --preserve-env=LC_ALL -- mkdir -p {mountPoint}", $"sudo -n --preserve-env=LC_ALL -- mount -t ext4 -o noinit_itable /dev/vdb {mountPoint}"],
            _tools.Sudo);
    }

    [Fact]
    public async Task An_unmounted_job_root_is_removed_while_a_fixed_root_stays()
    {
        const string jobRoot = "/var/lib/blacksmith/roots/%2Ftmp%2Fblacksmith%2Fgitlab-7";
        var device = Adapter(isRoot: false, jobRoots: "/var/lib/blacksmith/roots");

        await device.UnmountAsync(jobRoot, Ct);
        await device.UnmountAsync(MountPoint, Ct);

        Assert.Equal(
            [
                $"sudo -n --preserve-env=LC_ALL -- umount {jobRoot}",
                $"sudo -n --preserve-env=LC_ALL -- rmdir -- {jobRoot}",
                "sudo -n --preserve-env=LC_ALL -- umount /var/lib/buildkit",
            ],
            _tools.Sudo);
    }

    [Fact]
    public async Task A_job_root_that_cannot_be_removed_stays_and_the_unmount_still_succeeds()
    {
        _tools.Reply("rmdir", 1, standardError: "rmdir: failed to remove '/var/lib/blacksmith/roots/x': Directory not empty");

        await Adapter(isRoot: true, jobRoots: "/var/lib/blacksmith/roots").UnmountAsync("/var/lib/blacksmith/roots/x", Ct);

        Assert.Equal(["umount /var/lib/blacksmith/roots/x", "rmdir -- /var/lib/blacksmith/roots/x"], _tools.Ran);
    }

    [Fact]
    public async Task Mount_leaves_an_existing_mount_point_alone()
    {
        await Root().MountAsync(Device, _temp.Path, Ct);

        Assert.Equal($"mount -t ext4 -o noinit_itable /dev/vdb {_temp.Path}", Assert.Single(_tools.Ran));
    }

    [Fact]
    public async Task Detect_probes_the_device_itself_and_returns_its_filesystem_type()
    {
        _tools.Reply("blkid", 0, "DEVNAME=/dev/vdb\nUUID=dcc432cc-a9ac-4d19-9bce-8637751620ab\nBLOCK_SIZE=4096\nTYPE=ext4\nUSAGE=filesystem\n");

        var type = await Root().DetectFilesystemAsync(Device, Ct);

        Assert.Equal("ext4", type);
        Assert.Equal("blkid -p -o export /dev/vdb", Assert.Single(_tools.Ran));
    }

    [Fact]
    public async Task Detect_reads_blkid_nothing_found_on_an_existing_device_as_no_filesystem()
    {
        var existing = _temp.Sub("blank");
        await File.WriteAllBytesAsync(existing, [], Ct);
        _tools.Reply("blkid", 2);

        Assert.Null(await Root().DetectFilesystemAsync(existing, Ct));
    }

    [Fact]
    public async Task Detect_does_not_take_a_missing_device_for_a_blank_one()
    {
        // blkid answers "nothing found" for a path that does not exist, which must not lead to a format.
        _tools.Reply("blkid", 2);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().DetectFilesystemAsync(_temp.Sub("gone"), Ct));

        Assert.Equal(("device.detect", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_names_a_partition_table_so_that_it_is_never_formatted_over()
    {
        _tools.Reply("blkid", 0, "DEVNAME=/dev/vdb\nPTUUID=9d3c1a4e\nPTTYPE=gpt\n");

        Assert.Equal("gpt partition table", await Root().DetectFilesystemAsync(Device, Ct));
    }

    [Fact]
    public async Task Detect_refuses_a_device_with_conflicting_signatures()
    {
        _tools.Reply("blkid", 8, standardError: "/dev/vdb: ambivalent result (probably more filesystems on the device, use wipefs(8) to see more details)");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().DetectFilesystemAsync(Device, Ct));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("conflicting signatures", error.Message, StringComparison.Ordinal);
        Assert.Contains("ambivalent result", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_output_without_a_type_is_a_bad_reply()
    {
        _tools.Reply("blkid", 0, "DEVNAME=/dev/vdb\nUSAGE=other\n");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().DetectFilesystemAsync(Device, Ct));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
    }

    [Fact]
    public async Task A_failed_command_names_the_command_its_exit_code_and_its_stderr()
    {
        _tools.Reply("resize2fs", 1, standardError: "resize2fs 1.47.0 (5-Feb-2023)\nresize2fs: Bad magic number in super-block while trying to open /dev/vdb\n");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().GrowFilesystemAsync(Device, Ct));

        Assert.Equal(("device.grow", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Equal(
            "device.grow: could not grow the filesystem on /dev/vdb: `resize2fs -f /dev/vdb` exited with 1: "
            + "resize2fs 1.47.0 (5-Feb-2023) | resize2fs: Bad magic number in super-block while trying to open /dev/vdb",
            error.Message);
    }

    [Fact]
    public async Task Only_the_end_of_a_long_stderr_is_kept()
    {
        var noise = string.Concat(Enumerable.Repeat(new string('x', 80) + "\n", 60));
        _tools.Reply("blockdev", 1, standardError: noise + "blockdev: cannot open /dev/vdb: Permission denied\n");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().FlushAsync(Device, Ct));

        Assert.EndsWith("xxx | blockdev: cannot open /dev/vdb: Permission denied", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Message.Length, 500, 700);
    }

    [Theory]
    [InlineData("umount: /var/lib/buildkit: target is busy.")]
    [InlineData("umount: /var/lib/buildkit: device is busy.")]
    public async Task A_busy_mount_is_unavailable_so_that_the_step_retries(string stderr)
    {
        _tools.Reply("umount", 32, standardError: stderr);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => NotRoot().UnmountAsync(MountPoint, Ct));

        Assert.Equal(("device.unmount", ExternalErrorKind.Unavailable), (error.Operation, error.Kind));
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData("umount: /var/lib/buildkit: not mounted.")]
    [InlineData("umount: /var/lib/buildkit: no mount point specified.")]
    public async Task Unmounting_what_is_not_mounted_fails_and_says_so(string stderr)
    {
        _tools.Reply("umount", 32, standardError: stderr);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().UnmountAsync(MountPoint, Ct));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("nothing is mounted at /var/lib/buildkit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_is_not_installed_is_missing()
    {
        _tools.Uninstall("mkfs.ext4");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().FormatAsync(Device, Ct));

        Assert.Equal(("device.format", ExternalErrorKind.Missing), (error.Operation, error.Kind));
        Assert.Contains("mkfs.ext4 is not installed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_sudo_when_not_root_is_missing_and_says_why_sudo_was_needed()
    {
        _tools.Uninstall("sudo");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => NotRoot().FlushAsync(Device, Ct));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Contains("sudo is not installed, and blockdev needs root", error.Message, StringComparison.Ordinal);
        Assert.Empty(_tools.Ran);
    }

    [Fact]
    public async Task A_tool_sudo_cannot_find_is_missing()
    {
        _tools.Reply("resize2fs", 1, standardError: "sudo: resize2fs: command not found\n");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => NotRoot().GrowFilesystemAsync(Device, Ct));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
    }

    [Fact]
    public async Task Sudo_asking_for_a_password_fails_at_once_and_names_the_missing_rule()
    {
        _tools.Reply("mount", 1, standardError: "sudo: a password is required\n");

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => NotRoot().MountAsync(Device, _temp.Path, Ct));

        Assert.Equal(("device.mount", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Contains("passwordless", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_runs_out_of_time_is_killed_and_is_a_timeout_naming_the_command()
    {
        _tools.Hang("sync");
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var device = new LinuxBlockDevice(new ProcessRunner(new ListLogger<ProcessRunner>(), time), new Privilege(isRoot: true), new BlockDeviceTimeouts { Sync = TimeSpan.FromSeconds(42) }, _tools.SearchPath, _mountInfo);

        var sync = device.SyncAsync(MountPoint, Ct);
        await OsProcesses.WaitUntilAsync(() => _tools.Started("sync"), "sync to start", Ct);
        time.Advance(TimeSpan.FromSeconds(42));
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => sync);

        Assert.Equal(("device.sync", ExternalErrorKind.Timeout), (error.Operation, error.Kind));
        Assert.Contains("`sync -f /var/lib/buildkit` did not finish within 42 s", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> CommandsWithTheirOwnTimeout() => ["format", "grow", "mount", "sync", "unmount", "flush"];

    [Theory]
    [MemberData(nameof(CommandsWithTheirOwnTimeout))]
    public async Task Each_command_runs_out_of_time_after_its_own_timeout(string which)
    {
        var timeouts = new BlockDeviceTimeouts
        {
            Format = TimeSpan.FromSeconds(11),
            Grow = TimeSpan.FromSeconds(12),
            Mount = TimeSpan.FromSeconds(13),
            Sync = TimeSpan.FromSeconds(14),
            Unmount = TimeSpan.FromSeconds(15),
            Flush = TimeSpan.FromSeconds(16),
        };
        (string Tool, TimeSpan Timeout, Func<LinuxBlockDevice, Task> Run) command = which switch
        {
            "format" => ("mkfs.ext4", timeouts.Format, d => d.FormatAsync(Device, Ct)),
            "grow" => ("resize2fs", timeouts.Grow, d => d.GrowFilesystemAsync(Device, Ct)),
            "mount" => ("mount", timeouts.Mount, d => d.MountAsync(Device, _temp.Path, Ct)),
            "sync" => ("sync", timeouts.Sync, d => d.SyncAsync(MountPoint, Ct)),
            "unmount" => ("umount", timeouts.Unmount, d => d.UnmountAsync(MountPoint, Ct)),
            _ => ("blockdev", timeouts.Flush, d => d.FlushAsync(Device, Ct)),
        };
        _tools.Hang(command.Tool);
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var device = new LinuxBlockDevice(new ProcessRunner(new ListLogger<ProcessRunner>(), time), new Privilege(isRoot: true), timeouts, _tools.SearchPath, _mountInfo);

        var run = command.Run(device);
        await OsProcesses.WaitUntilAsync(() => _tools.Started(command.Tool), $"{command.Tool} to start", Ct);
        time.Advance(command.Timeout);
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => run);

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.Contains($"within {command.Timeout.TotalSeconds:0} s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mounted_is_read_from_the_mount_table_by_canonical_path()
    {
        var target = Directory.CreateDirectory(_temp.Sub("target")).FullName;
        var link = _temp.Sub("link");
        Directory.CreateSymbolicLink(link, target);
        await File.AppendAllTextAsync(_mountInfo, $"612 28 7:0 / {target.Replace(" ", @"\040", StringComparison.Ordinal)} rw,relatime - ext4 /dev/loop0 rw\n", Ct);
        var device = Root();

        Assert.True(await device.IsMountedAsync(target, Ct));
        Assert.True(await device.IsMountedAsync(target + "/", Ct));
        Assert.True(await device.IsMountedAsync(link, Ct));
        Assert.False(await device.IsMountedAsync(_temp.Path, Ct));
        Assert.False(await device.IsMountedAsync(_temp.Sub("missing"), Ct));
        Assert.Empty(_tools.Ran);
    }

    [Fact]
    public async Task An_unreadable_mount_table_is_a_bad_reply()
    {
        await File.WriteAllTextAsync(_mountInfo, "this is not mountinfo\n", Ct);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().IsMountedAsync(MountPoint, Ct));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
    }

    [Fact]
    public async Task Measure_refuses_a_path_with_nothing_mounted_rather_than_measure_the_filesystem_below()
    {
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => Root().MeasureAsync(_temp.Path, Ct));

        Assert.Equal(("device.measure", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Contains("nothing is mounted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Measure_reports_the_filesystem_that_is_mounted_there()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "statvfs layout is read for Linux only");

        // The root is always a mount point; what matters is that the numbers are statvfs's, as df shows them.
        var usage = await Root().MeasureAsync("/", Ct);

        Assert.InRange(usage.UsedBytes, 1, usage.SizeBytes);
    }

    [Fact]
    public async Task The_size_of_a_device_path_that_does_not_exist_yet_is_zero()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the size comes from Linux's sysfs");

        Assert.Equal(0, await NotRoot().GetSizeAsync(_temp.Sub("vdz"), Ct));
        Assert.Empty(_tools.Ran);
    }

    [Fact]
    public async Task The_size_of_something_that_is_not_a_block_device_is_an_error()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the size comes from Linux's sysfs");
        var file = _temp.Sub("image");
        await File.WriteAllBytesAsync(file, new byte[4096], Ct);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => NotRoot().GetSizeAsync(file, Ct));

        Assert.Equal(("device.size", ExternalErrorKind.Failed), (error.Operation, error.Kind));
        Assert.Contains("is not a block device", error.Message, StringComparison.Ordinal);
    }

    private LinuxBlockDevice Root() => Adapter(isRoot: true);

    private LinuxBlockDevice NotRoot() => Adapter(isRoot: false);

    private LinuxBlockDevice Adapter(bool isRoot, string? jobRoots = null) =>
        new(new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System), new Privilege(isRoot), new BlockDeviceTimeouts(), _tools.SearchPath, _mountInfo)
        {
            JobRootsDirectory = jobRoots,
        };
}
