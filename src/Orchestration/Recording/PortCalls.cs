using System.Collections.Frozen;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Recording;

/// <summary>
/// Every call a port makes to the world, each defined once: the recording decorators (src/Steps/Recording) journal it
/// under its <see cref="PortCall.Name"/>, the scripted world answers it, handlers name their attempts after it, and
/// docs/replay.schema.json lists the scripted ones (a test holds the schema to this list).
/// </summary>
/// <remarks>A new port method is one line here, one in its recording decorator and one in the scripted world.</remarks>
internal static class PortCalls
{
    private const string StickyDisk = "stickydisk";
    private const string BlockDevice = "blockdevice";
    private const string Buildkitd = "buildkitd";
    private const string Buildx = "buildx";
    private const string EarlierSteps = "earliersteps";
    private const string ControlPlane = "controlplane";
    private const string Telemetry = "telemetry";

    private static readonly EffectJsonContext Json = EffectJsonContext.Default;

    public static readonly PortCall StickyDiskUp = new(StickyDisk, "up", null);
    public static readonly PortCall<ExposedDisk> StickyDiskExpose = new(StickyDisk, "expose", Json.ExposedDisk);
    public static readonly PortCall<SettleOutcome> StickyDiskSettle = new(StickyDisk, "settle", Json.SettleOutcome) { ValueScripted = false, InSweep = true };
    public static readonly PortCall<IReadOnlyList<ExposedDisk>> StickyDiskFindExposures = new(StickyDisk, "findExposures", Json.IReadOnlyListExposedDisk) { InSweep = true };
    public static readonly PortCall StickyDiskReportMetric = new(StickyDisk, "reportMetric", null);

    public static readonly PortCall<long> BlockDeviceGetSize = new(BlockDevice, "getSize", Json.Int64);
    public static readonly PortCall<string?> BlockDeviceDetectFilesystem = new(BlockDevice, "detectFilesystem", Json.String!) { MayReturnNull = true };
    public static readonly PortCall BlockDeviceGrowFilesystem = new(BlockDevice, "growFilesystem", null);
    public static readonly PortCall BlockDeviceFormat = new(BlockDevice, "format", null);
    public static readonly PortCall BlockDeviceMount = new(BlockDevice, "mount", null);
    public static readonly PortCall<bool> BlockDeviceIsMounted = new(BlockDevice, "isMounted", Json.Boolean) { InSweep = true };
    public static readonly PortCall<string?> BlockDeviceMountSource = new(BlockDevice, "mountSource", Json.String!) { MayReturnNull = true, InSweep = true };
    public static readonly PortCall BlockDeviceSync = new(BlockDevice, "sync", null) { InSweep = true };
    public static readonly PortCall<FilesystemUsage> BlockDeviceMeasure = new(BlockDevice, "measure", Json.FilesystemUsage) { InSweep = true };
    public static readonly PortCall BlockDeviceUnmount = new(BlockDevice, "unmount", null) { InSweep = true };
    public static readonly PortCall BlockDeviceFlush = new(BlockDevice, "flush", null) { InSweep = true };

    public static readonly PortCall<DaemonIdentity> DaemonSpawn = new(Buildkitd, "spawn", Json.DaemonIdentity);
    public static readonly PortCall<DaemonProbe> DaemonProbe = new(Buildkitd, "probe", Json.DaemonProbe) { InSweep = true };
    public static readonly PortCall<SignalDelivery> DaemonSignal = new(Buildkitd, "signal", Json.SignalDelivery) { InSweep = true };
    public static readonly PortCall<bool> DaemonWaitForExit = new(Buildkitd, "waitForExit", Json.Boolean) { InSweep = true };
    public static readonly PortCall<long> DaemonPrune = new(Buildkitd, "prune", Json.Int64);
    public static readonly PortCall<ForeignDaemon?> DaemonFindForeign = new(Buildkitd, "findForeign", Json.ForeignDaemon!) { MayReturnNull = true };
    public static readonly PortCall<DaemonIdentity?> DaemonFindLaunched = new(Buildkitd, "findLaunched", Json.DaemonIdentity!) { MayReturnNull = true, InSweep = true };
    public static readonly PortCall<string> DaemonQuarantineDatabase = new(Buildkitd, "quarantineDatabase", Json.String);

    // Registration and the fallback go under the builds' port: buildx does all three.
    public static readonly PortCall<RegisteredBuilder> BuildxRegister = new(Buildx, "register", Json.RegisteredBuilder);
    public static readonly PortCall<string> BuildxActivateFallback = new(Buildx, "activateFallback", Json.String);
    public static readonly PortCall<BuildReport> BuildxBuild = new(Buildx, "build", Json.BuildReport) { Scripted = false };

    public static readonly PortCall<EarlierStepsReport> EarlierStepsCheck = new(EarlierSteps, "check", Json.EarlierStepsReport);

    public static readonly PortCall<string?> ControlPlaneBuildStarted = new(ControlPlane, "buildStarted", Json.String!) { MayReturnNull = true };
    public static readonly PortCall<bool> ControlPlaneBuildFinished = new(ControlPlane, "buildFinished", Json.Boolean);
    public static readonly PortCall<bool> ControlPlaneFailure = new(ControlPlane, "failure", Json.Boolean);

    public static readonly PortCall TelemetryExport = new(Telemetry, "export", null) { Scripted = false };

    /// <summary>Every call, by name.</summary>
    private static readonly FrozenDictionary<string, PortCall> ByName = new PortCall[]
    {
        StickyDiskUp, StickyDiskExpose, StickyDiskSettle, StickyDiskFindExposures, StickyDiskReportMetric,
        BlockDeviceGetSize, BlockDeviceDetectFilesystem, BlockDeviceGrowFilesystem, BlockDeviceFormat, BlockDeviceMount,
        BlockDeviceIsMounted, BlockDeviceMountSource, BlockDeviceSync, BlockDeviceMeasure, BlockDeviceUnmount, BlockDeviceFlush,
        DaemonSpawn, DaemonProbe, DaemonSignal, DaemonWaitForExit, DaemonPrune, DaemonFindForeign, DaemonFindLaunched, DaemonQuarantineDatabase,
        BuildxRegister, BuildxActivateFallback, BuildxBuild,
        EarlierStepsCheck,
        ControlPlaneBuildStarted, ControlPlaneBuildFinished, ControlPlaneFailure,
        TelemetryExport,
    }.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Every call, in the ordinal order of its name.</summary>
    public static IReadOnlyList<PortCall> All { get; } = [.. ByName.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>The names of the calls a scripted world answers, in a stable order: what a scenario's world may name.</summary>
    public static IReadOnlyList<string> Scripted { get; } = [.. All.Where(c => c.Scripted).Select(c => c.Name)];

    /// <summary>The names of the calls the sweep before setup can make, in a stable order: the only ones a scenario's <c>machine.world</c> may script.</summary>
    public static IReadOnlyList<string> Sweep { get; } = [.. All.Where(c => c.InSweep).Select(c => c.Name)];

    /// <summary>The call named <paramref name="name"/> (<c>port.method</c>), or null for none.</summary>
    public static PortCall? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The scripted call named <paramref name="name"/>; throws for a name no scripted world answers.</summary>
    public static PortCall ScriptedCall(string name) =>
        Find(name) is { Scripted: true } call ? call : throw new ArgumentException($"'{name}' is not a known port call", nameof(name));

    /// <summary>Whether <paramref name="name"/> names one of <paramref name="calls"/>.</summary>
    public static bool IsAny(string? name, params ReadOnlySpan<PortCall> calls)
    {
        foreach (var call in calls)
        {
            if (name == call.Name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a scripted world answers <paramref name="name"/>.</summary>
    public static bool IsScripted(string name) => Find(name) is { Scripted: true };
}
