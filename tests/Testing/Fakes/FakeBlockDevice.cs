using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A block device that remembers what is mounted and fails as scripted.</summary>
public sealed class FakeBlockDevice : IBlockDevice
{
    public HashSet<string> Mounted { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>Sizes reported by successive GetSize calls; the last one repeats.</summary>
    public Queue<long> Sizes { get; } = new([1L << 30]);

    public string? Filesystem { get; set; } = "ext4";

    public Exception? GrowFailure { get; set; }

    public Exception? MountFailure { get; set; }

    /// <summary>Failures the next mount attempts throw, one per attempt, before <see cref="MountFailure"/>.</summary>
    public Queue<Exception> MountFailures { get; } = new();

    /// <summary>When set, formatting fails with it (a device in use, a tool that failed).</summary>
    public Exception? FormatFailure { get; set; }

    /// <summary>Failures the next unmount attempts throw, one per attempt.</summary>
    public Queue<Exception> UnmountFailures { get; } = new();

    public FilesystemUsage Usage { get; set; } = new(4096, 1L << 30);

    public Exception? MeasureFailure { get; set; }

    public bool Formatted { get; private set; }

    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Add("size");
        return Task.FromResult(Sizes.Count > 1 ? Sizes.Dequeue() : Sizes.Peek());
    }

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Add("detect");
        return Task.FromResult(Filesystem);
    }

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Add("grow");
        return GrowFailure is null ? Task.CompletedTask : throw GrowFailure;
    }

    public Task FormatAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Add("format");
        if (FormatFailure is not null)
        {
            throw FormatFailure;
        }

        Formatted = true;
        Filesystem = "ext4";
        return Task.CompletedTask;
    }

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add("mount");
        if (MountFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        if (MountFailure is not null)
        {
            throw MountFailure;
        }

        Mounted.Add(mountPoint);
        Sources[mountPoint] = device;
        return Task.CompletedTask;
    }

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) => Task.FromResult(Mounted.Contains(mountPoint));

    /// <summary>The device mounted at each mount point, as <see cref="MountSourceAsync"/> reports it.</summary>
    public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, looking at what is mounted throws it (an external failure, or an adapter's bug).</summary>
    public Exception? MountSourceFailure { get; set; }

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken)
    {
        Calls.Add("mountSource");
        if (MountSourceFailure is not null)
        {
            throw MountSourceFailure;
        }

        return Task.FromResult(Mounted.Contains(mountPoint) ? Sources.GetValueOrDefault(mountPoint, "/dev/unknown") : null);
    }

    /// <summary>When set, sync fails with it.</summary>
    public Exception? SyncFailure { get; set; }

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken)
    {
        Calls.Add("sync");
        return SyncFailure is null ? Task.CompletedTask : Task.FromException(SyncFailure);
    }

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken)
    {
        Calls.Add("measure");
        return MeasureFailure is null ? Task.FromResult(Usage) : throw MeasureFailure;
    }

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        Calls.Add("unmount");
        if (UnmountFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        Mounted.Remove(mountPoint);
        return Task.CompletedTask;
    }

    public Task FlushAsync(string device, CancellationToken cancellationToken)
    {
        Calls.Add("flush");
        return Task.CompletedTask;
    }
}
