using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Steps.Job;

/// <summary>
/// The one job flow: setup, builds and post as every host drives them (the actions' steps, <c>blacksmith run</c>,
/// replay, an embedder). Each step decides here what its host used to decide: the sweep after earlier jobs before
/// setup's sequence, the fork check's part in the plan, what a refusal, a fallback or a failure means and what to
/// say about it, the daemon's log when it never became ready, the failure reports and the metrics, post's errors and
/// whether everything was released. The hosts read their inputs, call a step, and render its result.
/// </summary>
public sealed partial class JobDriver
{
    private readonly JobSequences _sequences;
    private readonly LifecycleJournal _lifecycle;
    private readonly IJournalStore _journal;
    private readonly Lazy<IStickyDiskStore> _store;
    private readonly IControlPlane _controlPlane;
    private readonly JobSideEffects _sides;
    private readonly TimeProvider _time;

    // Internal: the driver's parts are the composition root's business; an embedder resolves the driver from it.
    internal JobDriver(
        JobSequences sequences,
        LifecycleJournal lifecycle,
        IJournalStore journal,
        IStickyDiskStore store,
        IControlPlane controlPlane,
        JobSideEffects sides,
        TimeProvider time)
        : this(sequences, lifecycle, journal, () => store, controlPlane, sides, time)
    {
    }

    // The store is built when a step first uses it: post with nothing to do never does, and building the local store
    // reads its data directory.
    internal JobDriver(
        JobSequences sequences,
        LifecycleJournal lifecycle,
        IJournalStore journal,
        Func<IStickyDiskStore> store,
        IControlPlane controlPlane,
        JobSideEffects sides,
        TimeProvider time)
    {
        _sequences = sequences;
        _lifecycle = lifecycle;
        _journal = journal;
        _store = new Lazy<IStickyDiskStore>(store);
        _controlPlane = controlPlane;
        _sides = sides;
        _time = time;
    }

    /// <summary>How long a metric may take: best effort, it never fails or delays a step for long.</summary>
    private static readonly TimeSpan MetricBudget = TimeSpan.FromSeconds(2);

    private async Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        if (!_sides.Reporting.Metrics)
        {
            return;
        }

        try
        {
            await Bounded.RunAsync("stickydisk.metric", ct => _store.Value.ReportMetricAsync(metric, ct), MetricBudget, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Recorded in the journal by the recording decorator; nothing else to do.
        }
    }
}
