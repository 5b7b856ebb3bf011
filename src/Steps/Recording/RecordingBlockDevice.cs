using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every block-device command.</summary>
internal sealed class RecordingBlockDevice(IBlockDevice inner, EffectCalls calls) : IBlockDevice
{
    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceGetSize, Arguments(("device", device)), () => inner.GetSizeAsync(device, cancellationToken));

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceDetectFilesystem, Arguments(("device", device)), () => inner.DetectFilesystemAsync(device, cancellationToken));

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceGrowFilesystem, Arguments(("device", device)), () => inner.GrowFilesystemAsync(device, cancellationToken));

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceFormat, Arguments(("device", device)), () => inner.FormatAsync(device, cancellationToken));

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceMount, Arguments(("device", device), ("mountPoint", mountPoint)), () => inner.MountAsync(device, mountPoint, cancellationToken));

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceIsMounted, Arguments(("mountPoint", mountPoint)), () => inner.IsMountedAsync(mountPoint, cancellationToken));

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceMountSource, Arguments(("mountPoint", mountPoint)), () => inner.MountSourceAsync(mountPoint, cancellationToken));

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceSync, Arguments(("mountPoint", mountPoint)), () => inner.SyncAsync(mountPoint, cancellationToken));

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceMeasure, Arguments(("mountPoint", mountPoint)), () => inner.MeasureAsync(mountPoint, cancellationToken));

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceUnmount, Arguments(("mountPoint", mountPoint)), () => inner.UnmountAsync(mountPoint, cancellationToken));

    public Task FlushAsync(string device, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BlockDeviceFlush, Arguments(("device", device)), () => inner.FlushAsync(device, cancellationToken));
}
