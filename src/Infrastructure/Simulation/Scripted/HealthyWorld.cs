using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedCalls;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// A world where everything works: the base a scenario can start from, so that it scripts only the calls its
/// behaviour is about. Every call succeeds at once, for every call that comes.
/// </summary>
public static class HealthyWorld
{
    public const string DefaultExposeId = "exp-1";
    public const string DefaultDevice = "/dev/vdb";
    public const string DefaultBuilder = "blacksmith-builder";
    public const string DefaultFallbackBuilder = "blacksmith-fallback";

    /// <summary>One answer per known call.</summary>
    public static IReadOnlyDictionary<string, ScriptedAnswer> Answers { get; } = new Dictionary<string, ScriptedAnswer>(StringComparer.Ordinal)
    {
        [StickyDiskUp] = Succeeds(StickyDiskUp),
        [StickyDiskExpose] = Returning(StickyDiskExpose, $$"""{"exposeId":"{{DefaultExposeId}}","device":"{{DefaultDevice}}"}"""),
        [StickyDiskSettle] = Succeeds(StickyDiskSettle),
        [StickyDiskReportMetric] = Succeeds(StickyDiskReportMetric),
        [StickyDiskFindExposures] = Returning(StickyDiskFindExposures, "[]"),
        [BlockDeviceGetSize] = Returning(BlockDeviceGetSize, "10737418240"),
        [BlockDeviceDetectFilesystem] = Returning(BlockDeviceDetectFilesystem, "\"ext4\""),
        [BlockDeviceGrowFilesystem] = Succeeds(BlockDeviceGrowFilesystem),
        [BlockDeviceFormat] = Succeeds(BlockDeviceFormat),
        [BlockDeviceMount] = Succeeds(BlockDeviceMount),
        [BlockDeviceIsMounted] = Returning(BlockDeviceIsMounted, "true"),
        [BlockDeviceMountSource] = Returning(BlockDeviceMountSource, "null"),
        [BlockDeviceSync] = Succeeds(BlockDeviceSync),
        [BlockDeviceMeasure] = Returning(BlockDeviceMeasure, """{"usedBytes":2147483648,"sizeBytes":10737418240}"""),
        [BlockDeviceUnmount] = Succeeds(BlockDeviceUnmount),
        [BlockDeviceFlush] = Succeeds(BlockDeviceFlush),
        [DaemonSpawn] = Returning(DaemonSpawn, """{"pid":4242,"startTimeTicks":1000,"address":"tcp://127.0.0.1:1234"}"""),
        [DaemonProbe] = Returning(DaemonProbe, """{"status":"Ready"}"""),
        [DaemonSignal] = Returning(DaemonSignal, "\"Delivered\""),
        [DaemonWaitForExit] = Returning(DaemonWaitForExit, "true"),
        [DaemonPrune] = Returning(DaemonPrune, "0"),
        [DaemonFindForeign] = Returning(DaemonFindForeign, "null"),
        [DaemonFindLaunched] = Returning(DaemonFindLaunched, "null"),
        [DaemonQuarantineDatabase] = Returning(DaemonQuarantineDatabase, "\"/var/lib/buildkit/quarantine/corrupt.db\""),
        [BuildxRegister] = Returning(BuildxRegister, $"\"{DefaultBuilder}\""),
        [BuildxActivateFallback] = Returning(BuildxActivateFallback, $"\"{DefaultFallbackBuilder}\""),
        [EarlierStepsCheck] = Returning(EarlierStepsCheck, """{"result":"Succeeded","source":"healthy world"}"""),
        [ControlPlaneBuildStarted] = Returning(ControlPlaneBuildStarted, "\"cp-build-1\""),
        [ControlPlaneBuildFinished] = Returning(ControlPlaneBuildFinished, "true"),
        [ControlPlaneFailure] = Returning(ControlPlaneFailure, "true"),
    };

    private const string Origin = "healthy base";

    private static ScriptedAnswer Succeeds(string call) => new() { Call = call, Times = null, Origin = Origin };

    private static ScriptedAnswer Returning(string call, string json) => ScriptedWorld.Returning(call, json, Origin);
}
