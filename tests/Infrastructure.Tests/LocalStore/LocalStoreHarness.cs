using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// A local store over a fresh data directory, with deterministic expose ids, content written through what the store
/// hands out, and SHA-256 hashes of what it keeps. Disposing it disposes every store it made, detaches every loop
/// device backed by a file under its directory, unmounts the scratch filesystems it mounted (lazily if busy) and
/// deletes the directory, so that a failing test leaves nothing behind.
/// </summary>
internal sealed class LocalStoreHarness : IAsyncDisposable
{
    public const long MiB = 1024 * 1024;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    private readonly TempDirectory _temp = new();
    private readonly List<IDisposable> _owned = [];
    private readonly List<string> _mounts = [];
    private readonly ProcessRunner _commands = new(Microsoft.Extensions.Logging.Abstractions.NullLogger<ProcessRunner>.Instance, TimeProvider.System);
    private int _ids;

    public LocalStoreHarness(LocalStoreMode mode, int seed = 1)
    {
        Mode = mode;
        Root = LinuxBlockDevice.Canonical(_temp.Path);
        DataDirectory = Path.Combine(Root, "data");
        Faker = new Faker { Random = new Randomizer(seed) };
    }

    public LocalStoreMode Mode { get; }

    /// <summary>The test's own directory (canonical); everything the test makes is under it.</summary>
    public string Root { get; }

    public string DataDirectory { get; private set; }

    public Faker Faker { get; }

    public ListLogger<LocalStickyDiskStore> Log { get; } = new();

    public ProcessRunner Runner { get; } = new(NullLogger<ProcessRunner>.Instance, TimeProvider.System);

    private StoreLayout Layout => new(LinuxBlockDevice.Canonical(DataDirectory));

    private string Suffix => Mode == LocalStoreMode.LoopDevice ? StoreLayout.ImageSuffix : "";

    /// <summary>Puts the data directory somewhere else (a scratch filesystem); call before making a store.</summary>
    public void UseDataDirectory(string path) => DataDirectory = path;

    /// <summary>Small images (8 MiB) and two generations kept, in this harness's mode.</summary>
    public LocalStoreOptions Options() =>
        new(DataDirectory) { Mode = Mode, DiskSizeBytes = 8 * MiB, GenerationsKept = 2 };

    public LocalStickyDiskStore Store(LocalStoreOptions? options = null, Action<StoreStep>? fault = null, TimeProvider? time = null)
    {
        var store = new LocalStickyDiskStore(
            options ?? Options(), Runner, Privilege.Current, time ?? TimeProvider.System, Log, () => $"exp-{Interlocked.Increment(ref _ids)}", fault);
        _owned.Add(store);
        return store;
    }

    public LocalStoreAdmin Admin(LocalStoreOptions? options = null, TimeProvider? time = null)
    {
        var admin = new LocalStoreAdmin(options ?? Options(), Runner, Privilege.Current, time ?? TimeProvider.System, Log);
        _owned.Add(admin);
        return admin;
    }

    /// <summary>Exposes <paramref name="key"/>, writes fresh content, commits it; returns the content's hash.</summary>
    public async Task<string> CommitNewAsync(LocalStickyDiskStore store, string key, long bytes = 256 * 1024)
    {
        var disk = await store.ExposeAsync(key, Ct);
        var hash = await WriteAsync(disk, bytes);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: bytes), Ct);
        return hash;
    }

    /// <summary>
    /// Writes random content through what was handed out (the loop device's blocks, or files in the directory) and
    /// returns the hash of the whole disk as the job leaves it.
    /// </summary>
    public async Task<string> WriteAsync(ExposedDisk disk, long bytes = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(disk);
        if (Mode == LocalStoreMode.LoopDevice)
        {
            // FileStream reports a block device's length as 0; sysfs knows it.
            var blocks = await new LinuxBlockDevice(_commands, Privilege.Current, new BlockDeviceTimeouts()).GetSizeAsync(disk.Device, Ct) / 4096;
            await using (var device = new FileStream(disk.Device, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 4096))
            {
                // One contiguous run at a random place: the image then holds exactly this many bytes of data.
                device.Position = Faker.Random.Long(0, blocks - ((bytes + 4095) / 4096)) * 4096;
                for (var written = 0L; written < bytes;)
                {
                    var chunk = Faker.Random.Bytes((int)Math.Min(1024 * 1024, bytes - written));
                    await device.WriteAsync(chunk, Ct);
                    written += chunk.Length;
                }

                await device.FlushAsync(Ct);
                device.Flush(flushToDisk: true);
            }

            return HashFile(disk.Device);
        }

        var directory = Path.Combine(disk.Device, Faker.Random.AlphaNumeric(6), Faker.Random.AlphaNumeric(4));
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, Faker.System.FileName("bin")), Faker.Random.Bytes((int)bytes), Ct);
        await File.WriteAllTextAsync(Path.Combine(disk.Device, "index.json"), Faker.Lorem.Sentence(), Ct);
        var link = Path.Combine(disk.Device, "latest");
        File.Delete(link);
        File.CreateSymbolicLink(link, Path.GetRelativePath(disk.Device, directory));
        return HashTree(disk.Device);
    }

    /// <summary>The hash of what an exposure holds now.</summary>
    public string HashOfDisk(ExposedDisk disk) =>
        Mode == LocalStoreMode.LoopDevice ? HashFile(disk!.Device) : HashTree(disk!.Device);

    /// <summary>The committed generations of <paramref name="key"/> as they are on disk.</summary>
    public IReadOnlyList<(long Number, string ExposeId, string Path)> Generations(string key)
    {
        var directory = Layout.Generations(CacheKeyName.Encode(key, "test"));
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(directory)
            .Select(p => StoreLayout.TryParseGeneration(Path.GetFileName(p), Suffix, out var n, out var id) ? (n, id, p) : (0, "", p))
            .Where(g => g.Item1 > 0)
            .OrderBy(g => g.Item1)];
    }

    public string HashOfGeneration(string key, long number)
    {
        var generation = Generations(key).Single(g => g.Number == number);
        return Mode == LocalStoreMode.LoopDevice ? HashFile(generation.Path) : HashTree(generation.Path);
    }

    /// <summary>The hashes of the key's generations, oldest first.</summary>
    public IReadOnlyList<string> GenerationHashes(string key) => [.. Generations(key).Select(g => HashOfGeneration(key, g.Number))];

    /// <summary>Loop devices backed by a file under the data directory.</summary>
    public IReadOnlyList<LoopDeviceEntry> StoreLoopDevices()
    {
        var prefix = LinuxBlockDevice.Canonical(DataDirectory) + "/";
        return [.. LoopDevices.List().Where(d => d.BackingFile.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>No clone, record, loop device or trash entry is left: every exposure is settled and cleaned up.</summary>
    public void AssertNothingLeft()
    {
        Assert.Empty(StoreLoopDevices());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Layout.Clones));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Layout.Exposures));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Layout.Trash));
    }

    /// <summary>Rewrites an exposure's record as if it had been made before the machine restarted.</summary>
    public void PretendRecordIsFromAnEarlierBoot(string exposeId)
    {
        var path = Layout.Record(exposeId);
        var record = JsonNode.Parse(File.ReadAllText(path))!;
        record["bootId"] = "an-earlier-boot";
        File.WriteAllText(path, record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public bool HasRecord(string exposeId) => File.Exists(Layout.Record(exposeId));

    /// <summary>A mount point under the test's directory, unmounted on dispose if a test leaves something mounted there.</summary>
    public string NewMountPoint(string name)
    {
        var mountPoint = Path.Combine(Root, name);
        _mounts.Add(mountPoint);
        return mountPoint;
    }

    /// <summary>A tmpfs of <paramref name="sizeBytes"/> (root only), unmounted on dispose.</summary>
    public async Task<string> MountTmpfsAsync(long sizeBytes)
    {
        var mountPoint = Path.Combine(Root, $"tmpfs-{_mounts.Count}");
        Directory.CreateDirectory(mountPoint);
        await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={sizeBytes}", "tmpfs", mountPoint]);
        _mounts.Add(mountPoint);
        return mountPoint;
    }

    /// <summary>An xfs filesystem (reflink on, the default) on a loop-mounted sparse image, unmounted and detached on dispose.</summary>
    public async Task<string> MountXfsAsync(long sizeBytes)
    {
        var image = Path.Combine(Root, $"xfs-{_mounts.Count}.img");
        await using (var file = new FileStream(image, FileMode.CreateNew))
        {
            file.SetLength(sizeBytes);
        }

        await RunAsync("mkfs.xfs", ["-q", "-m", "reflink=1", image]);
        var mountPoint = Path.Combine(Root, $"xfs-{_mounts.Count}");
        Directory.CreateDirectory(mountPoint);
        await RunAsync("mount", ["-o", "loop", image, mountPoint]);
        _mounts.Add(mountPoint);
        return mountPoint;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        var errors = new List<string>();

        // Devices over files in the scratch filesystems first, so that those can be unmounted.
        await DetachUnderAsync(DataDirectory, errors);
        foreach (var mountPoint in Enumerable.Reverse(_mounts))
        {
            await DetachUnderAsync(mountPoint, errors);
            while (MountInfo.IsMountPoint(await MountInfo.ReadAsync(MountInfo.SelfPath, CancellationToken.None), mountPoint))
            {
                var result = await _commands.RunAsync(new ProcessCommand("umount", [mountPoint]) { Timeout = CommandTimeout }, CancellationToken.None);
                if (result.ExitCode != 0)
                {
                    result = await _commands.RunAsync(new ProcessCommand("umount", ["--lazy", mountPoint]) { Timeout = CommandTimeout }, CancellationToken.None);
                    if (result.ExitCode != 0)
                    {
                        errors.Add($"umount --lazy {mountPoint}: {result.StandardErrorTail.Trim()}");
                        break;
                    }
                }
            }
        }

        // What is left under the test's directory: the xfs images' own devices (mount -o loop sets autoclear, but a
        // lazy unmount may leave one behind), and devices tests attached themselves.
        await DetachUnderAsync(Root, errors);
        _temp.Dispose();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Local store test cleanup failed: " + string.Join("; ", errors));
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every entry's relative path, type, and content (or link target), in a fixed order.</summary>
    private static string HashTree(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var entries = new DirectoryInfo(root)
            .EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .OrderBy(e => Path.GetRelativePath(root, e.FullName), StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, entry.FullName) + "\0"));
            if (entry.LinkTarget is { } target)
            {
                hash.AppendData(Encoding.UTF8.GetBytes("link:" + target + "\0"));
            }
            else if (entry is FileInfo file)
            {
                hash.AppendData(File.ReadAllBytes(file.FullName));
            }
            else
            {
                hash.AppendData("dir\0"u8);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task DetachUnderAsync(string directory, List<string> errors)
    {
        var prefix = LinuxBlockDevice.Canonical(directory) + "/";
        foreach (var device in LoopDevices.List().Where(d => d.BackingFile.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var result = await _commands.RunAsync(new ProcessCommand("losetup", ["--detach", device.Path]) { Timeout = CommandTimeout }, CancellationToken.None);
            if (result.ExitCode != 0)
            {
                errors.Add($"losetup --detach {device.Path}: {result.StandardErrorTail.Trim()}");
            }
        }
    }

    private async Task RunAsync(string tool, string[] arguments)
    {
        var result = await _commands.RunAsync(new ProcessCommand(tool, arguments) { Timeout = CommandTimeout }, Ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.StandardErrorTail.Trim()}");
        }
    }
}
