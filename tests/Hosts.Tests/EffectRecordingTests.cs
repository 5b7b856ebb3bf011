using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Hosts.Tests;

/// <summary>Every external call of a job, made through the composition root, lands in the journal.</summary>
public sealed class EffectRecordingTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_whole_job_journals_each_external_call_under_the_session_that_made_it()
    {
        using var engine = new TestEngine();

        await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);
        await engine.Post.RunAsync("setup-1", Ct);

        var effects = Effects(engine);
        Assert.All(effects, e => Assert.Equal("setup-1", e.Session));
        var calls = effects.Select(e => $"{e.Effect.Port}.{e.Effect.Method}").ToList();
        // In the order the lifecycle needs them: expose before mount before spawn; stop before unmount before commit.
        Assert.Equal(
            ["stickydisk.up", "stickydisk.expose", "blockdevice.mount", "buildkitd.spawn", "buildkitd.probe"],
            calls.Where(c => c is "stickydisk.up" or "stickydisk.expose" or "blockdevice.mount" or "buildkitd.spawn" or "buildkitd.probe").Take(5));
        Assert.True(calls.IndexOf("buildkitd.signal") < calls.IndexOf("blockdevice.unmount"));
        Assert.True(calls.IndexOf("blockdevice.measure") < calls.IndexOf("stickydisk.settle"));
        Assert.Contains("earliersteps.check", calls);
    }

    [Fact]
    public async Task A_recorded_value_reads_back_as_what_the_port_returned()
    {
        using var engine = new TestEngine();

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        var expose = Effects(engine).Single(e => e.Effect.Method == "expose").Effect;
        var disk = expose.Result!.Value.Deserialize(EffectJsonContext.Default.ExposedDisk);
        Assert.Equal(setup.Snapshot.Disk.ExposeId, disk!.ExposeId);
        Assert.Equal("repo/job/amd64", expose.Arguments["cacheKey"]);
    }

    [Fact]
    public async Task A_failed_attempt_is_journaled_with_its_error_kind_before_the_retry()
    {
        using var engine = new TestEngine();
        engine.Store.ExposeFailures.Enqueue(new ExternalCallException("stickydisk.expose", ExternalErrorKind.Unavailable, "connection refused"));

        var setup = await engine.Setup.RunAsync(TestEngine.Plan("setup-1"), Ct);

        Assert.Equal(LifecycleState.Ready, setup.Snapshot.State);
        var exposes = Effects(engine).Where(e => e.Effect.Method == "expose").Select(e => e.Effect).ToList();
        Assert.Equal([EffectOutcome.Failed, EffectOutcome.Succeeded], exposes.Select(e => e.Outcome));
        Assert.Equal(nameof(ExternalErrorKind.Unavailable), exposes[0].ErrorKind);
        Assert.Contains("connection refused", exposes[0].Message, StringComparison.Ordinal);
    }

    private static List<(string Session, EffectRecord Effect)> Effects(TestEngine engine) =>
        engine.Journal.Records
            .Where(r => r.Kind == JournalRecordKind.Effect)
            .Select(r => (r.Session, JsonSerializer.Deserialize(r.Payload, JournalJsonContext.Default.EffectRecord)!))
            .ToList();
}
