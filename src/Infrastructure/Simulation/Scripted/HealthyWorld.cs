using Blacksmith.Orchestration.Recording;

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

    /// <summary>One answer per scripted call: those that return a value, here; every other one succeeds.</summary>
    public static IReadOnlyDictionary<string, ScriptedAnswer> Answers { get; } = new ScriptedAnswer[]
    {
        Returning(PortCalls.StickyDiskExpose, $$"""{"exposeId":"{{DefaultExposeId}}","device":"{{DefaultDevice}}"}"""),
        Returning(PortCalls.StickyDiskFindExposures, "[]"),
        Returning(PortCalls.BlockDeviceGetSize, "10737418240"),
        Returning(PortCalls.BlockDeviceDetectFilesystem, "\"ext4\""),
        Returning(PortCalls.BlockDeviceIsMounted, "true"),
        Returning(PortCalls.BlockDeviceMountSource, "null"),
        Returning(PortCalls.BlockDeviceMeasure, """{"usedBytes":2147483648,"sizeBytes":10737418240}"""),
        Returning(PortCalls.DaemonSpawn, """{"pid":4242,"startTimeTicks":1000,"address":"tcp://127.0.0.1:1234"}"""),
        Returning(PortCalls.DaemonProbe, """{"status":"Ready"}"""),
        Returning(PortCalls.DaemonSignal, "\"Delivered\""),
        Returning(PortCalls.DaemonWaitForExit, "true"),
        Returning(PortCalls.DaemonPrune, "0"),
        Returning(PortCalls.DaemonFindForeign, "null"),
        Returning(PortCalls.DaemonFindLaunched, "null"),
        Returning(PortCalls.DaemonQuarantineDatabase, "\"/var/lib/buildkit/quarantine/corrupt.db\""),
        Returning(PortCalls.BuildxRegister, $"\"{DefaultBuilder}\""),
        Returning(PortCalls.BuildxActivateFallback, $"\"{DefaultFallbackBuilder}\""),
        Returning(PortCalls.EarlierStepsCheck, """{"result":"Succeeded","source":"healthy world"}"""),
        Returning(PortCalls.ControlPlaneBuildStarted, "\"cp-build-1\""),
        Returning(PortCalls.ControlPlaneBuildFinished, "true"),
        Returning(PortCalls.ControlPlaneFailure, "true"),
    }.Concat(PortCalls.All.Where(c => c.Scripted && c.ScriptedValueType is null).Select(Succeeds)).ToDictionary(a => a.Call, StringComparer.Ordinal);

    private const string Origin = "healthy base";

    private static ScriptedAnswer Succeeds(PortCall call) => new() { Call = call.Name, Times = null, Origin = Origin };

    private static ScriptedAnswer Returning(PortCall call, string json) => ScriptedWorld.Returning(call.Name, json, Origin);
}
