using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Hosts.Tests;

/// <summary>
/// Where the kill points sit (docs/end-to-end-tests.md, "Kill points"): each external call between its return and its
/// record and again after the record, each transition after its append and before the claim follows it, and the claim
/// after it was rewritten. The end-to-end kill-point tests stop a real host at each of them.
/// </summary>
public sealed class FailpointTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Began = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeClaimRegistry _claims = new();
    private readonly InMemoryJournalStore _journal = new();
    private readonly List<(string Point, int Records, JobClaim? Claim)> _reached = [];

    [Fact]
    public async Task Each_external_call_is_a_kill_point_before_its_record_and_another_after_it()
    {
        await RunJobAsync();

        var effects = _reached.Where(r => r.Point.StartsWith("effect:", StringComparison.Ordinal)).ToList();
        Assert.Contains(effects, r => r.Point == "effect:stickydisk.expose");
        Assert.Contains(effects, r => r.Point == "effect:stickydisk.settle");
        foreach (var effect in effects)
        {
            var call = effect.Point["effect:".Length..];
            var recorded = _reached[_reached.IndexOf(effect) + 1];
            Assert.Equal(("recorded:" + call, effect.Records + 1), (recorded.Point, recorded.Records));
            var record = _journal.Records[effect.Records];
            Assert.Equal((JournalRecordKind.Effect, call), (record.Kind, record.Type));
        }
    }

    [Fact]
    public async Task Each_transition_is_a_kill_point_after_its_append_and_before_the_claim_follows_it()
    {
        await RunJobAsync();

        var transitions = _reached.Where(r => r.Point.StartsWith("transition:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            _journal.Records.Where(r => r.Kind == JournalRecordKind.Transition).Select(r => "transition:" + r.Type),
            transitions.Select(t => t.Point));
        foreach (var transition in transitions)
        {
            Assert.Contains(_journal.Records.Take(transition.Records), r => r.Kind == JournalRecordKind.Transition && "transition:" + r.Type == transition.Point);
        }

        // Between the append and the claim, the claim is one record behind: it does not name the exposure yet.
        var exposed = Assert.Single(_reached, r => r.Point == "transition:DiskExposed");
        var claimed = Assert.Single(_reached, r => r.Point == "claim:DiskExposed");
        Assert.Null(exposed.Claim?.Holdings.ExposeId);
        Assert.NotNull(claimed.Claim?.Holdings.ExposeId);
        Assert.Equal(exposed.Records, claimed.Records);
        var spawned = Assert.Single(_reached, r => r.Point == "transition:DaemonSpawned");
        Assert.Null(spawned.Claim?.Holdings.Daemon);
        Assert.NotNull(Assert.Single(_reached, r => r.Point == "claim:DaemonSpawned").Claim?.Holdings.Daemon);
    }

    [Fact]
    public async Task The_claim_is_a_kill_point_only_where_it_was_rewritten()
    {
        await RunJobAsync();

        var claimPoints = _reached.Where(r => r.Point.StartsWith("claim:", StringComparison.Ordinal)).Select(r => r.Point).ToList();
        Assert.Equal(
            ["claim:SetupStarted", "claim:DiskExposed", "claim:DiskMounted", "claim:DaemonSpawned", "claim:BuilderRegistered",
             "claim:PostRequested", "claim:DaemonStopped", "claim:DiskUnmounted", "claim:Drained", "claim:CommitRequested"],
            claimPoints);
        Assert.Null(_reached[^1].Claim);
    }

    private async Task RunJobAsync()
    {
        var failpoints = new FakeFailpoints { Observe = point => _reached.Add((point, _journal.Records.Count, _claims.Read(TestEngine.Launch.JobDirectory))) };
        using var engine = new TestEngine(_journal, _claims.For(TestEngine.Launch.JobDirectory, null, "boot-1", Began), failpoints);
        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Post.RunAsync("setup-1", Ct);
    }
}
