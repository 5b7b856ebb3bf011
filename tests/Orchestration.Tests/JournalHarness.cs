using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Orchestration.Tests;

/// <summary>
/// A job's journal in memory with a fake clock. Each firing is one command of one session: it
/// loads the lifecycle as that session sees it and fires its events, as the pipeline does. The clock moves one
/// second before each firing so that records are told apart by time too.
/// </summary>
internal sealed class JournalHarness
{
    public JournalHarness()
    {
        Journal = NewProcess();
    }

    public InMemoryJournalStore Store { get; } = new();

    public VirtualTime Time { get; } = new(SnapshotBuilder.Start);

    public LifecycleJournal Journal { get; }

    /// <summary>Another process over the same journal (a later step of the job, or a concurrent build).</summary>
    public LifecycleJournal NewProcess() => new(Store, Time, NullLogger<LifecycleJournal>.Instance);

    public ValueTask<LifecycleSnapshot> LoadAsync(string viewer, CancellationToken cancellationToken) =>
        Journal.LoadAsync(viewer, cancellationToken);

    public async ValueTask<FireResult> FireAsync(string session, IReadOnlyList<LifecycleEvent> events, CancellationToken cancellationToken)
    {
        var snapshot = await Journal.LoadAsync(session, cancellationToken);
        Time.Advance(TimeSpan.FromSeconds(1));
        return await Journal.FireAsync(snapshot, session, events, cancellationToken);
    }

    public ValueTask<FireResult> FireAsync(string session, LifecycleEvent @event, CancellationToken cancellationToken) =>
        FireAsync(session, [@event], cancellationToken);

    /// <summary>Fires each event as its own command of the owner and throws at the first refusal (a mistake in the test's setup).</summary>
    public async ValueTask<LifecycleSnapshot> FireAllAsync(IEnumerable<LifecycleEvent> events, CancellationToken cancellationToken, string session = TestSessions.Owner)
    {
        ArgumentNullException.ThrowIfNull(events);
        LifecycleSnapshot? last = null;
        foreach (var @event in events)
        {
            var fired = await FireAsync(session, @event, cancellationToken);
            if (fired.Refused is { } refused)
            {
                throw new InvalidOperationException($"test setup fired {@event} from {session} and the journal refused: {refused.Describe()}");
            }

            last = fired.Snapshot;
        }

        return last ?? await LoadAsync(session, cancellationToken);
    }
}
