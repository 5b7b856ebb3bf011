using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Steps.Tests;

/// <summary>Snapshots reached by firing real events through the machine, as the owner session "owner" sees them.</summary>
internal static class Lifecycles
{
    public const string Owner = "owner";

    public static async Task<LifecycleSnapshot> AfterAsync(params LifecycleEvent[] events)
    {
        var journal = new LifecycleJournal(new InMemoryJournalStore(), TimeProvider.System, NullLogger<LifecycleJournal>.Instance);
        var fired = await journal.FireAsync(LifecycleSnapshot.Initial(Owner), Owner, events, TestContext.Current.CancellationToken);
        Assert.Null(fired.Refused);
        return fired.Snapshot;
    }

    public static Task<LifecycleSnapshot> StartingAsync() => AfterAsync(
        new SetupStarted(new SetupFacts("key", "fake")),
        new DiskExposed("expose-1", "/dev/fake1"),
        new DiskMounted("/var/lib/buildkit", Formatted: false),
        new DaemonSpawned(new DaemonIdentity(99, 1, "tcp://127.0.0.1:1234")));

    public static ILifecycleContext Context(LifecycleSnapshot snapshot) => new FixedContext(snapshot);

    private sealed class FixedContext(LifecycleSnapshot snapshot) : ILifecycleContext
    {
        public LifecycleSnapshot Snapshot => snapshot;
    }
}
