using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every block-device command.</summary>
public sealed class RecordingBlockDevice(IBlockDevice inner, EffectCalls calls) : IBlockDevice
{
    public const string Port = "blockdevice";

    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "getSize", Arguments(("device", device)),
            () => inner.GetSizeAsync(device, cancellationToken), EffectJsonContext.Default.Int64);

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "detectFilesystem", Arguments(("device", device)),
            () => inner.DetectFilesystemAsync(device, cancellationToken), EffectJsonContext.Default.String);

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "growFilesystem", Arguments(("device", device)), () => inner.GrowFilesystemAsync(device, cancellationToken));

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "format", Arguments(("device", device)), () => inner.FormatAsync(device, cancellationToken));

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "mount", Arguments(("device", device), ("mountPoint", mountPoint)),
            () => inner.MountAsync(device, mountPoint, cancellationToken));

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "isMounted", Arguments(("mountPoint", mountPoint)),
            () => inner.IsMountedAsync(mountPoint, cancellationToken), EffectJsonContext.Default.Boolean);

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "mountSource", Arguments(("mountPoint", mountPoint)),
            () => inner.MountSourceAsync(mountPoint, cancellationToken), EffectJsonContext.Default.String);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "sync", Arguments(("mountPoint", mountPoint)), () => inner.SyncAsync(mountPoint, cancellationToken));

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "measure", Arguments(("mountPoint", mountPoint)),
            () => inner.MeasureAsync(mountPoint, cancellationToken), EffectJsonContext.Default.FilesystemUsage);

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "unmount", Arguments(("mountPoint", mountPoint)), () => inner.UnmountAsync(mountPoint, cancellationToken));

    public Task FlushAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(Port, "flush", Arguments(("device", device)), () => inner.FlushAsync(device, cancellationToken));
}
