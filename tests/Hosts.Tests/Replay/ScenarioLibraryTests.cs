using System.Text.Json;
using Blacksmith.Replay;
using Blacksmith.Orchestration.Recording;
using Json.Schema;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>Every scenario of tests/scenarios is a test case: it follows the schema, and its replay meets its expectations.</summary>
public sealed class ScenarioLibraryTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(ScenarioLibrary.SchemaPath)));

    public static TheoryData<string> Scenarios => [.. ScenarioLibrary.Files];

    public static TheoryData<string> ScenarioFiles => [.. ScenarioLibrary.ScenarioFiles];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_meets_its_expectations(string file)
    {
        var report = ReplayRunner.Run(ReplayInput.Load(ScenarioLibrary.PathOf(file)));

        Assert.True(report.Passed, Explain(report));
    }

    [Fact]
    public void Recorded_journal_with_a_torn_tail_replays_without_its_last_line()
    {
        // The post host was killed while it wrote CommitRequested: the half line is left out with a warning, so
        // the post replays as killed right after its commit request reached the store, the job stays Committing.
        var report = ReplayRunner.Run(ReplayInput.Load(ScenarioLibrary.PathOf("torn-journal-tail-is-left-out-and-the-post-replays-as-killed-after-settle.jsonl")));

        Assert.True(report.Passed, Explain(report));
        Assert.Contains(report.Warnings, w => w.Contains("line 40 has no newline", StringComparison.Ordinal));
        Assert.Equal(HostEnd.Killed, report.Hosts[^1].End);
        Assert.Equal(Orchestration.Lifecycle.LifecycleState.Committing, report.State);
        Assert.IsType<Orchestration.Policy.CommitDecision.Commit>(report.Decision);
    }

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public void Scenario_follows_the_schema(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(ScenarioLibrary.PathOf(file)));

        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))));
    }

    [Fact]
    public void Library_pins_at_least_forty_four_behaviours()
    {
        Assert.True(ScenarioLibrary.Files.Count >= 44, $"only {ScenarioLibrary.Files.Count} scenarios in {ScenarioLibrary.Directory}");
    }

    [Fact]
    public void Without_other_jobs_on_the_machine_the_sweep_makes_no_call_and_journals_nothing()
    {
        var report = ReplayRunner.Run(ScenarioFile.Load(ScenarioLibrary.PathOf("happy-path-commits-the-disk.json")));

        Assert.Empty(report.Leftovers);
        Assert.DoesNotContain(report.Effects, e => e.Call.StartsWith(Steps.Leftovers.LeftoverSweep.Port + ".", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sweeps_calls_stay_out_of_the_journal_which_gets_one_leftovers_clean_record_per_cleanup_as_in_a_real_setup()
    {
        var report = ReplayRunner.Run(ScenarioFile.Load(ScenarioLibrary.PathOf("ended-github-job-is-cleaned-up-before-setup.json")));

        var cleaned = Assert.Single(report.Leftovers);
        Assert.Contains(cleaned.Calls, c => c.Call == PortCalls.StickyDiskSettle.Name);
        Assert.All(cleaned.Calls, c => Assert.Equal(0, c.Sequence));
        // The journal holds the one record the setup host writes, before this job's setup begins, and none of the calls:
        // its only signal and settlement are this job's own post's.
        Assert.Equal($"{Steps.Leftovers.LeftoverSweep.Port}.clean", report.Effects[0].Call);
        Assert.Single(report.Effects, e => e.Call.StartsWith(Steps.Leftovers.LeftoverSweep.Port + ".", StringComparison.Ordinal));
        Assert.Single(report.Effects, e => e.Call == PortCalls.DaemonSignal.Name);
        Assert.Single(report.Effects, e => e.Call == PortCalls.StickyDiskSettle.Name);
        Assert.True(cleaned.HeldAfter.IsEmpty);
    }

    [Fact]
    public void The_claims_cleanup_budget_runs_on_the_replays_clock()
    {
        var report = ReplayRunner.Run(ScenarioFile.Load(ScenarioLibrary.PathOf("sweep-look-that-hangs-is-cut-off-by-the-claims-budget.json")));

        // The hanging look has a 120 s deadline of its own; the claim's 60 s budget ends it first, and setup begins then.
        Assert.Equal(60_000, report.Timeline[0].AtMs);
        Assert.Equal(Orchestration.Lifecycle.LifecycleTrigger.SetupStarted, report.Timeline[0].Trigger);
    }

    [Fact]
    public void Replaying_a_scenario_twice_gives_the_same_report()
    {
        var scenario = ScenarioFile.Load(ScenarioLibrary.PathOf("daemon-crash-at-start-heals-the-corrupt-cache-database.json"));

        var first = ReplayRunner.Run(scenario);
        var second = ReplayRunner.Run(scenario);

        Assert.Equal(first.Timeline, second.Timeline);
        Assert.Equal(first.Effects, second.Effects);
        Assert.Equal(first.Decision, second.Decision);
        Assert.Equal(first.Warnings, second.Warnings);
    }

    [Fact]
    public void Waits_of_the_steps_pass_in_virtual_time_only()
    {
        var report = ReplayRunner.Run(ScenarioFile.Load(ScenarioLibrary.PathOf("mount-device-that-stays-zero-size-is-never-formatted.json")));

        // The size poll gave up after its 10 s budget, counted on the replay's clock.
        var failed = Assert.Single(report.Timeline, t => t.Trigger == Orchestration.Lifecycle.LifecycleTrigger.SetupFailed);
        Assert.InRange(failed.AtMs, 10_000, 11_000);
        Assert.True(report.Effects.Count(e => e.Call == PortCalls.BlockDeviceGetSize.Name) >= 100);
    }

    internal static string Explain(ReplayReport report) =>
        string.Join("\n", [
            .. report.Unmet.Select(u => $"unmet: {u}"),
            .. report.Divergence is { } d ? [$"diverged at {d.Call} ({d.Session}): {d.Reason}; expected {string.Join(" / ", d.Expected)}"] : Array.Empty<string>(),
            .. report.Hosts.Select(h => $"host {h.Index} {h.Kind} {h.Session}: {h.End} {h.Detail}"),
            .. report.Timeline.Select(t => $"  {t.AtMs} {t.Session} {t.Trigger} {t.From} -> {t.To}"),
            $"decision: {report.Decision}",
            .. report.Warnings.Select(w => $"warning: {w}"),
            .. report.Errors.Select(e => $"error: {e}"),
        ]);
}
