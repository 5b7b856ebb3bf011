using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Replay;

/// <summary>
/// Every port of a replay's engine, answered by the scripted world of the scenario being replayed right now
/// (<see cref="Bind"/>). The engine is composed once and kept for scenario after scenario (<see cref="ReplayEngine"/>),
/// so what differs between scenarios sits behind this one switch; the engine's own objects hold no job's state.
/// </summary>
internal sealed class ReplayWorldPorts :
    IJournalStore, IStickyDiskStore, IBlockDevice, IBuildkitDaemon, IBuilderRegistry, IEarlierStepsProbe, IControlPlane, IImageBuilder
{
    private Bound? _bound;

    /// <summary>The journal of the bound scenario.</summary>
    public ScriptedJournal Journal => Current.Journal;

    /// <summary>The builds of the bound scenario, which its replay tells how each one ends.</summary>
    public ScriptedImageBuilder Builds => Current.Builds;

    string IJournalStore.Location => Current.Journal.Location;

    string IStickyDiskStore.Kind => Current.Store.Kind;

    private Bound Current => _bound ?? throw new InvalidOperationException("No replay is bound to the engine's ports.");

    public void Bind(ScriptedWorld world, ScriptedJournal journal) =>
        _bound = new Bound(
            journal,
            new ScriptedStickyDiskStore(world),
            new ScriptedBlockDevice(world),
            new ScriptedBuildkitDaemon(world),
            new ScriptedBuilderRegistry(world),
            new ScriptedEarlierStepsProbe(world),
            new ScriptedControlPlane(world),
            new ScriptedImageBuilder(world));

    public void Unbind() => _bound = null;

    public ValueTask<JournalReadResult> ReadAsync(long afterSequence, CancellationToken cancellationToken) =>
        Current.Journal.ReadAsync(afterSequence, cancellationToken);

    public ValueTask<JournalAppendResult> AppendAsync(long afterSequence, Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide, CancellationToken cancellationToken) =>
        Current.Journal.AppendAsync(afterSequence, decide, cancellationToken);

    public Task UpAsync(CancellationToken cancellationToken) => Current.Store.UpAsync(cancellationToken);

    public Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken) => Current.Store.ExposeAsync(cacheKey, cancellationToken);

    public Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken) => Current.Store.SettleAsync(settlement, cancellationToken);

    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) => Current.Store.FindExposuresAsync(holder, cancellationToken);

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken) => Current.Store.ReportMetricAsync(metric, cancellationToken);

    public Task<long> GetSizeAsync(string device, CancellationToken cancellationToken) => Current.Device.GetSizeAsync(device, cancellationToken);

    public Task<string?> DetectFilesystemAsync(string device, CancellationToken cancellationToken) => Current.Device.DetectFilesystemAsync(device, cancellationToken);

    public Task GrowFilesystemAsync(string device, CancellationToken cancellationToken) => Current.Device.GrowFilesystemAsync(device, cancellationToken);

    public Task FormatAsync(string device, CancellationToken cancellationToken) => Current.Device.FormatAsync(device, cancellationToken);

    public Task MountAsync(string device, string mountPoint, CancellationToken cancellationToken) => Current.Device.MountAsync(device, mountPoint, cancellationToken);

    public Task<bool> IsMountedAsync(string mountPoint, CancellationToken cancellationToken) => Current.Device.IsMountedAsync(mountPoint, cancellationToken);

    public Task<string?> MountSourceAsync(string mountPoint, CancellationToken cancellationToken) => Current.Device.MountSourceAsync(mountPoint, cancellationToken);

    public Task SyncAsync(string mountPoint, CancellationToken cancellationToken) => Current.Device.SyncAsync(mountPoint, cancellationToken);

    public Task<FilesystemUsage> MeasureAsync(string mountPoint, CancellationToken cancellationToken) => Current.Device.MeasureAsync(mountPoint, cancellationToken);

    public Task UnmountAsync(string mountPoint, CancellationToken cancellationToken) => Current.Device.UnmountAsync(mountPoint, cancellationToken);

    public Task FlushAsync(string device, CancellationToken cancellationToken) => Current.Device.FlushAsync(device, cancellationToken);

    public Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken) => Current.Daemon.SpawnAsync(launch, cancellationToken);

    public Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken) => Current.Daemon.ProbeAsync(daemon, cancellationToken);

    public Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken) => Current.Daemon.SignalAsync(daemon, signal, cancellationToken);

    public Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken) => Current.Daemon.WaitForExitAsync(daemon, timeout, cancellationToken);

    public Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken) => Current.Daemon.PruneAsync(daemon, keepBytes, cancellationToken);

    public Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken) => Current.Daemon.FindForeignAsync(root, address, cancellationToken);

    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken) => Current.Daemon.FindLaunchedAsync(launch, cancellationToken);

    public Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken) => Current.Daemon.QuarantineDatabaseAsync(databasePath, cancellationToken);

    public Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken) => Current.Builders.RegisterAsync(address, cancellationToken);

    public Task<string> ActivateFallbackAsync(CancellationToken cancellationToken) => Current.Builders.ActivateFallbackAsync(cancellationToken);

    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken) => Current.EarlierSteps.CheckAsync(cancellationToken);

    public Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken) => Current.ControlPlane.ReportBuildStartedAsync(report, cancellationToken);

    public Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken) => Current.ControlPlane.ReportBuildFinishedAsync(report, cancellationToken);

    public Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken) => Current.ControlPlane.ReportFailureAsync(report, cancellationToken);

    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken) => Current.Builds.BuildAsync(request, cancellationToken);

    private sealed record Bound(
        ScriptedJournal Journal,
        IStickyDiskStore Store,
        IBlockDevice Device,
        IBuildkitDaemon Daemon,
        IBuilderRegistry Builders,
        IEarlierStepsProbe EarlierSteps,
        IControlPlane ControlPlane,
        ScriptedImageBuilder Builds);
}
