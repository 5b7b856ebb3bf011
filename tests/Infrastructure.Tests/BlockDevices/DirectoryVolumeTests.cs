using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

public sealed class DirectoryVolumeTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("blacksmith-dirvol-");
    private readonly DirectoryVolume _volume = new();
    private readonly Faker _faker = new() { Random = new Randomizer(104) };

    private string Disk => Path.Combine(_root.FullName, "disk");

    private string MountPoint => Path.Combine(_root.FullName, "buildkit");

    [Fact]
    public async Task A_directory_disk_reports_a_size_and_the_directory_filesystem_so_it_is_never_formatted()
    {
        Directory.CreateDirectory(Disk);

        Assert.True(await _volume.GetSizeAsync(Disk, Ct) > 0);
        Assert.Equal(Filesystems.Directory, await _volume.DetectFilesystemAsync(Disk, Ct));
        await Assert.ThrowsAsync<ExternalCallException>(() => _volume.FormatAsync(Disk, Ct));
    }

    [Fact]
    public async Task Mounting_links_the_disk_at_the_root_and_unmounting_removes_only_the_link()
    {
        Directory.CreateDirectory(Disk);
        Directory.CreateDirectory(MountPoint);
        var content = _faker.Random.Bytes(_faker.Random.Int(1, 4096));

        await _volume.MountAsync(Disk, MountPoint, Ct);
        await File.WriteAllBytesAsync(Path.Combine(MountPoint, "cache.db"), content, Ct);
        Assert.True(await _volume.IsMountedAsync(MountPoint, Ct));
        await _volume.SyncAsync(MountPoint, Ct);
        var usage = await _volume.MeasureAsync(MountPoint, Ct);
        await _volume.UnmountAsync(MountPoint, Ct);

        Assert.Equal(content.Length, usage.UsedBytes);
        Assert.False(await _volume.IsMountedAsync(MountPoint, Ct));
        Assert.False(Path.Exists(MountPoint));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(Disk, "cache.db"), Ct));
    }

    [Fact]
    public async Task A_root_that_already_holds_files_is_left_untouched()
    {
        Directory.CreateDirectory(Disk);
        Directory.CreateDirectory(MountPoint);
        await File.WriteAllTextAsync(Path.Combine(MountPoint, "someone-elses"), "x", Ct);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => _volume.MountAsync(Disk, MountPoint, Ct));

        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(MountPoint, "someone-elses")));
    }

    [Fact]
    public async Task A_path_that_is_not_a_directory_is_a_missing_disk()
    {
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => _volume.GetSizeAsync(Disk, Ct));
        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
