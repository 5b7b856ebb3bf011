using System.Collections.Frozen;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// Every call a scripted world answers, named <c>port.method</c> exactly as the recording decorators
/// (src/Steps/Recording) journal them, with the type of the value each returns. A recorded effect and a scripted
/// answer for the same call are therefore interchangeable.
/// </summary>
public static class ScriptedCalls
{
    public const string StickyDiskUp = "stickydisk.up";
    public const string StickyDiskExpose = "stickydisk.expose";
    public const string StickyDiskSettle = "stickydisk.settle";
    public const string StickyDiskReportMetric = "stickydisk.reportMetric";
    public const string StickyDiskFindExposures = "stickydisk.findExposures";

    public const string BlockDeviceGetSize = "blockdevice.getSize";
    public const string BlockDeviceDetectFilesystem = "blockdevice.detectFilesystem";
    public const string BlockDeviceGrowFilesystem = "blockdevice.growFilesystem";
    public const string BlockDeviceFormat = "blockdevice.format";
    public const string BlockDeviceMount = "blockdevice.mount";
    public const string BlockDeviceIsMounted = "blockdevice.isMounted";
    public const string BlockDeviceMountSource = "blockdevice.mountSource";
    public const string BlockDeviceSync = "blockdevice.sync";
    public const string BlockDeviceMeasure = "blockdevice.measure";
    public const string BlockDeviceUnmount = "blockdevice.unmount";
    public const string BlockDeviceFlush = "blockdevice.flush";

    public const string DaemonSpawn = "buildkitd.spawn";
    public const string DaemonProbe = "buildkitd.probe";
    public const string DaemonSignal = "buildkitd.signal";
    public const string DaemonWaitForExit = "buildkitd.waitForExit";
    public const string DaemonPrune = "buildkitd.prune";
    public const string DaemonQuarantineDatabase = "buildkitd.quarantineDatabase";
    public const string DaemonFindForeign = "buildkitd.findForeign";
    public const string DaemonFindLaunched = "buildkitd.findLaunched";

    // As RecordingBuilderRegistry records them.
    public const string BuildxRegister = "buildx.register";
    public const string BuildxActivateFallback = "buildx.activateFallback";

    public const string EarlierStepsCheck = "earliersteps.check";

    public const string ControlPlaneBuildStarted = "controlplane.buildStarted";
    public const string ControlPlaneBuildFinished = "controlplane.buildFinished";
    public const string ControlPlaneFailure = "controlplane.failure";

    /// <summary>Call → the type of its returned value (null: the method returns nothing).</summary>
    private static readonly FrozenDictionary<string, JsonTypeInfo?> Values = new Dictionary<string, JsonTypeInfo?>(StringComparer.Ordinal)
    {
        [StickyDiskUp] = null,
        [StickyDiskExpose] = EffectJsonContext.Default.ExposedDisk,
        [StickyDiskSettle] = null,
        [StickyDiskReportMetric] = null,
        [StickyDiskFindExposures] = EffectJsonContext.Default.IReadOnlyListExposedDisk,
        [BlockDeviceGetSize] = EffectJsonContext.Default.Int64,
        [BlockDeviceDetectFilesystem] = EffectJsonContext.Default.String,
        [BlockDeviceGrowFilesystem] = null,
        [BlockDeviceFormat] = null,
        [BlockDeviceMount] = null,
        [BlockDeviceIsMounted] = EffectJsonContext.Default.Boolean,
        [BlockDeviceMountSource] = EffectJsonContext.Default.String,
        [BlockDeviceSync] = null,
        [BlockDeviceMeasure] = EffectJsonContext.Default.FilesystemUsage,
        [BlockDeviceUnmount] = null,
        [BlockDeviceFlush] = null,
        [DaemonSpawn] = EffectJsonContext.Default.DaemonIdentity,
        [DaemonProbe] = EffectJsonContext.Default.DaemonProbe,
        [DaemonSignal] = EffectJsonContext.Default.SignalDelivery,
        [DaemonWaitForExit] = EffectJsonContext.Default.Boolean,
        [DaemonPrune] = EffectJsonContext.Default.Int64,
        [DaemonQuarantineDatabase] = EffectJsonContext.Default.String,
        [DaemonFindForeign] = EffectJsonContext.Default.ForeignDaemon,
        [DaemonFindLaunched] = EffectJsonContext.Default.DaemonIdentity,
        [BuildxRegister] = EffectJsonContext.Default.String,
        [BuildxActivateFallback] = EffectJsonContext.Default.String,
        [EarlierStepsCheck] = EffectJsonContext.Default.EarlierStepsReport,
        [ControlPlaneBuildStarted] = EffectJsonContext.Default.String,
        [ControlPlaneBuildFinished] = EffectJsonContext.Default.Boolean,
        [ControlPlaneFailure] = EffectJsonContext.Default.Boolean,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every known call, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Values.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// The calls the cleanup after earlier jobs (the sweep before setup, <c>ClaimCleanup</c>) can make, in a stable order:
    /// the only ones a scenario's <c>machine.world</c> may script.
    /// </summary>
    public static IReadOnlyList<string> Sweep { get; } =
    [
        .. new[]
        {
            StickyDiskFindExposures, StickyDiskSettle,
            BlockDeviceMountSource, BlockDeviceIsMounted, BlockDeviceSync, BlockDeviceMeasure, BlockDeviceUnmount, BlockDeviceFlush,
            DaemonFindLaunched, DaemonSignal, DaemonWaitForExit, DaemonProbe,
        }.Order(StringComparer.Ordinal),
    ];

    public static bool IsKnown(string call) => Values.ContainsKey(call);

    /// <summary>
    /// Whether <paramref name="call"/> may answer <c>null</c>: no filesystem, no control-plane build id, no foreign
    /// daemon, nothing mounted, no daemon of the job's launch.
    /// </summary>
    public static bool MayReturnNull(string call) =>
        call is BlockDeviceDetectFilesystem or ControlPlaneBuildStarted or DaemonFindForeign or BlockDeviceMountSource or DaemonFindLaunched;

    /// <summary>The type of the value <paramref name="call"/> returns, or null when it returns none.</summary>
    public static JsonTypeInfo? ValueType(string call) =>
        Values.TryGetValue(call, out var type) ? type : throw new ArgumentException($"'{call}' is not a known port call", nameof(call));
}
