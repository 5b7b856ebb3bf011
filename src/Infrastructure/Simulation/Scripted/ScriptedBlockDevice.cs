using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The block device of a scripted world.</summary>
public sealed class ScriptedBlockDevice(ScriptedWorld world) : IBlockDevice
{
    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceGetSize, Arguments(("device", device)), cancellationToken);

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceDetectFilesystem, Arguments(("device", device)), cancellationToken);

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceGrowFilesystem, Arguments(("device", device)), cancellationToken);

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceFormat, Arguments(("device", device)), cancellationToken);

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceMount, Arguments(("device", device), ("mountPoint", mountPoint)), cancellationToken);

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceIsMounted, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceMountSource, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceSync, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceMeasure, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceUnmount, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task FlushAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BlockDeviceFlush, Arguments(("device", device)), cancellationToken);
}
