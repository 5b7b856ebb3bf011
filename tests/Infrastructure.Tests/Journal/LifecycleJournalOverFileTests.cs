using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>The lifecycle core over the real file: what one process fires, a fresh process folds back.</summary>
public sealed class LifecycleJournalOverFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly VirtualTime _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _jobDir;

    public LifecycleJournalOverFileTests()
    {
        _jobDir = _temp.Sub("job");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_setup_fired_by_one_session_is_mounting_when_a_fresh_instance_loads_it()
    {
        var journal = Open();
        var before = await journal.LoadAsync("s1", Ct);

        var fired = await journal.FireAsync(before, "s1", [new SetupStarted(new SetupFacts("key", "local"))], Ct);
        var reloaded = await Open().LoadAsync("s1", Ct);

        Assert.False(fired.IsRefused);
        Assert.Equal(LifecycleState.Mounting, reloaded.State);
        Assert.Equal(1, reloaded.Sequence);
        Assert.True(reloaded.IsOwner);
        Assert.Equal(new SetupFacts("key", "local"), reloaded.Setup);
        Assert.Equal(_time.GetUtcNow(), reloaded.UpdatedAt);
    }

    [Fact]
    public async Task A_whole_setup_and_two_builds_reload_to_the_snapshot_the_writers_saw()
    {
        var setup = Open();
        var snapshot = await setup.LoadAsync("s1", Ct);
        snapshot = (await setup.FireAsync(snapshot, "s1", SetupEvents(), Ct)).Snapshot;
        await setup.RecordEffectAsync("s1", new EffectRecord("stickydisk", "expose", new Dictionary<string, string> { ["cacheKey"] = "key" }, EffectOutcome.Succeeded, 12), Ct);
        _time.Advance(TimeSpan.FromSeconds(5));

        // Two build sessions, each loaded before the other appended: the second must see the first's build.
        var buildA = Open();
        var buildB = Open();
        var seenByA = await buildA.LoadAsync("build-a", Ct);
        var seenByB = await buildB.LoadAsync("build-b", Ct);
        await buildA.FireAsync(seenByA, "build-a", [new BuildStarted("a", "web")], Ct);
        var afterB = await buildB.FireAsync(seenByB, "build-b", [new BuildStarted("b", "api")], Ct);
        Assert.False(afterB.IsRefused);
        Assert.Equal(2, afterB.Snapshot.BuildsInFlight);
        await buildA.FireAsync(afterB.Snapshot, "build-a", [new BuildFinished("a", BuildOutcome.Succeeded)], Ct);
        var last = await buildB.FireAsync(afterB.Snapshot, "build-b", [new BuildFinished("b", BuildOutcome.Failed, "exit code 1")], Ct);

        var reloaded = await Open().LoadAsync("build-b", Ct);

        Assert.Equal(LifecycleState.Ready, reloaded.State);
        Assert.Equal(last.Snapshot.Sequence, reloaded.Sequence);
        Assert.Equal([("a", BuildOutcome.Succeeded), ("b", BuildOutcome.Failed)], reloaded.Builds.Select(b => (b.BuildId, b.Outcome)));
        Assert.Equal("s1", reloaded.OwnerSession);
        Assert.Equal(last.Snapshot with { Builds = [], AttachedSessions = [] }, reloaded with { Builds = [], AttachedSessions = [] });
    }

    [Fact]
    public async Task A_refused_event_leaves_the_file_untouched()
    {
        var journal = Open();
        var idle = await journal.LoadAsync("s1", Ct);

        var fired = await journal.FireAsync(idle, "s1", [new BuildStarted("a", "web")], Ct);

        Assert.True(fired.IsRefused);
        Assert.Empty((await new JournalFile(_jobDir).ReadAsync(0, Ct)).Records);
    }

    private static LifecycleEvent[] SetupEvents() =>
    [
        new SetupStarted(new SetupFacts("key", "local")),
        new DiskExposed("exp-1", "/dev/vdb"),
        new DiskMounted("/var/lib/buildkit", Formatted: false),
        new DaemonSpawned(new DaemonIdentity(4312, 883104, "tcp://127.0.0.1:1234")),
        new DaemonReady(250),
        new BuilderRegistered("blacksmith"),
    ];

    private LifecycleJournal Open() => new(new JournalFile(_jobDir), _time, NullLogger<LifecycleJournal>.Instance);
}
