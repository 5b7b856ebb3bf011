using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The block device of a scripted world.</summary>
public sealed class ScriptedBlockDevice(ScriptedWorld world) : IBlockDevice
{
    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceGetSize, Arguments(("device", device)), EffectJsonContext.Default.Int64, cancellationToken);

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync<string?>(ScriptedCalls.BlockDeviceDetectFilesystem, Arguments(("device", device)), EffectJsonContext.Default.String, cancellationToken);

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceGrowFilesystem, Arguments(("device", device)), cancellationToken);

    public Task FormatAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceFormat, Arguments(("device", device)), cancellationToken);

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceMount, Arguments(("device", device), ("mountPoint", mountPoint)), cancellationToken);

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceIsMounted, Arguments(("mountPoint", mountPoint)), EffectJsonContext.Default.Boolean, cancellationToken);

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync<string?>(ScriptedCalls.BlockDeviceMountSource, Arguments(("mountPoint", mountPoint)), EffectJsonContext.Default.String, cancellationToken);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceSync, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceMeasure, Arguments(("mountPoint", mountPoint)), EffectJsonContext.Default.FilesystemUsage, cancellationToken);

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceUnmount, Arguments(("mountPoint", mountPoint)), cancellationToken);

    public Task FlushAsync(string device, CancellationToken cancellationToken) =>
        world.AnswerAsync(ScriptedCalls.BlockDeviceFlush, Arguments(("device", device)), cancellationToken);
}
