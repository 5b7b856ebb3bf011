using Blacksmith.Infrastructure.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

public sealed class MountInfoTests
{
    // Lines as a GitHub-hosted runner (and the proc(5) example) print them.
    private const string Root = "28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,discard,errors=remount-ro";
    private const string Sysfs = "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw";
    private const string StickyDisk = "612 28 7:0 / /var/lib/buildkit rw,relatime shared:320 - ext4 /dev/loop0 rw";
    private const string ProcExample = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
    private const string Bind = "640 28 259:2 /home/runner/work/_temp /mnt/bound rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro";
    private const string Overlay = "1234 1200 0:123 / / rw,relatime master:1 propagate_from:2 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work";

    [Fact]
    public void Every_field_of_a_line_is_read_in_order()
    {
        var entry = MountInfo.ParseLine(ProcExample);

        Assert.Equal(36, entry.MountId);
        Assert.Equal(35, entry.ParentId);
        Assert.Equal((98u, 0u), (entry.Major, entry.Minor));
        Assert.Equal("/mnt1", entry.Root);
        Assert.Equal("/mnt2", entry.MountPoint);
        Assert.Equal("rw,noatime", entry.MountOptions);
        Assert.Equal(["master:1"], entry.OptionalFields);
        Assert.Equal("ext3", entry.FilesystemType);
        Assert.Equal("/dev/root", entry.Source);
        Assert.Equal("rw,errors=continue", entry.SuperOptions);
    }

    [Fact]
    public void The_mount_point_is_the_fifth_field_whatever_the_number_of_optional_fields()
    {
        var none = MountInfo.ParseLine("70 28 0:55 / /run/user/1001 rw,nosuid,nodev,relatime - tmpfs tmpfs rw,size=812k,mode=700");
        var two = MountInfo.ParseLine(Overlay);

        Assert.Empty(none.OptionalFields);
        Assert.Equal("/run/user/1001", none.MountPoint);
        Assert.Equal("tmpfs", none.FilesystemType);
        Assert.Equal(["master:1", "propagate_from:2"], two.OptionalFields);
        Assert.Equal("overlay", two.FilesystemType);
        Assert.StartsWith("rw,lowerdir=", two.SuperOptions, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bind_mount_shows_the_bound_directory_as_its_root_and_the_target_as_its_mount_point()
    {
        var entry = MountInfo.ParseLine(Bind);

        Assert.Equal("/home/runner/work/_temp", entry.Root);
        Assert.Equal("/mnt/bound", entry.MountPoint);
        Assert.Equal("/dev/nvme0n1p2", entry.Source);
    }

    [Theory]
    [InlineData(@"/tmp/with\040space", "/tmp/with space")]
    [InlineData(@"/tmp/tab\011and\012newline", "/tmp/tab\tand\nnewline")]
    [InlineData(@"/tmp/back\134slash", @"/tmp/back\slash")]
    [InlineData(@"/tmp/\040\040", "/tmp/  ")]
    [InlineData("/tmp/café", "/tmp/café")]
    [InlineData(@"/tmp/not\08an\escape\1", @"/tmp/not\08an\escape\1")]
    public void Escaped_characters_in_paths_are_decoded(string field, string path)
    {
        var entry = MountInfo.ParseLine($"700 28 7:3 / {field} rw,relatime - ext4 /dev/loop3 rw");

        Assert.Equal(path, entry.MountPoint);
    }

    [Fact]
    public void Escapes_in_the_root_and_the_source_are_decoded_too()
    {
        var entry = MountInfo.ParseLine(@"701 28 0:60 /my\040dir /mnt/x rw - fuse.sshfs me@host:/my\040files rw,user_id=0");

        Assert.Equal("/my dir", entry.Root);
        Assert.Equal("fuse.sshfs", entry.FilesystemType);
        Assert.Equal("me@host:/my files", entry.Source);
    }

    [Fact]
    public void An_empty_source_keeps_the_fields_after_it_in_place()
    {
        var entry = MountInfo.ParseLine("702 28 0:61 / /mnt/empty rw - tmpfs  rw,size=4k");

        Assert.Equal("", entry.Source);
        Assert.Equal("rw,size=4k", entry.SuperOptions);
    }

    [Fact]
    public void Fields_a_later_kernel_appends_after_the_super_options_are_ignored()
    {
        var entry = MountInfo.ParseLine(StickyDisk + " future-field");

        Assert.Equal("/var/lib/buildkit", entry.MountPoint);
        Assert.Equal("rw", entry.SuperOptions);
    }

    [Fact]
    public void A_whole_table_is_read_line_by_line_and_a_trailing_newline_adds_nothing()
    {
        var entries = MountInfo.Parse(string.Join('\n', Root, Sysfs, StickyDisk, Bind) + "\n");

        Assert.Equal(["/", "/sys", "/var/lib/buildkit", "/mnt/bound"], entries.Select(e => e.MountPoint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw")]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root")]
    [InlineData("x 35 98:0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw")]
    [InlineData("36 35 98-0 /mnt1 /mnt2 rw,noatime - ext3 /dev/root rw")]
    [InlineData("36 35 - /mnt1 /mnt2 rw - ext3 /dev/root rw")]
    public void A_line_without_the_documented_shape_is_a_format_error(string line)
    {
        Assert.Throws<FormatException>(() => MountInfo.ParseLine(line));
    }

    [Fact]
    public void A_mount_point_matches_whole_paths_only()
    {
        var entries = MountInfo.Parse(string.Join('\n', Root, "613 28 7:1 / /var/lib/buildkit-old rw - ext4 /dev/loop1 rw"));

        Assert.False(MountInfo.IsMountPoint(entries, "/var/lib/buildkit"));
        Assert.True(MountInfo.IsMountPoint(entries, "/var/lib/buildkit-old"));
    }

    [Fact]
    public void A_mount_stacked_on_another_still_counts_as_mounted()
    {
        var entries = MountInfo.Parse(string.Join('\n', Root, StickyDisk, "650 612 7:1 / /var/lib/buildkit rw - ext4 /dev/loop1 rw"));

        Assert.True(MountInfo.IsMountPoint(entries, "/var/lib/buildkit"));
        Assert.Equal(2, entries.Count(e => e.MountPoint == "/var/lib/buildkit"));
    }

    [Fact]
    public void This_process_s_own_mount_table_parses_and_includes_the_root()
    {
        Assert.SkipUnless(File.Exists(MountInfo.SelfPath), $"{MountInfo.SelfPath} exists only on Linux");

        var entries = MountInfo.Parse(File.ReadAllText(MountInfo.SelfPath));

        Assert.True(MountInfo.IsMountPoint(entries, "/"));
    }
}
