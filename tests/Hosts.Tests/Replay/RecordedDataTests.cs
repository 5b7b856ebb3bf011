using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blacksmith.Replay;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// What a replay takes from a recorded journal is data: the budget a step ran under and a failed call's operation, kind
/// and exit code are fields of the records, so rewording a message never changes a replay. A journal written before
/// those fields existed still replays, and the replay says what it assumed instead. And a journal's lines are parsed by
/// the journal's own parser, so a bad line is reported alike by every reader.
/// </summary>
public sealed class RecordedDataTests : IDisposable
{
    private const string NeverReadyWithinTenSeconds = """
        {
          "base": "healthy",
          "job": [{ "host": "setup", "readyBudgetSeconds": 10 }, { "host": "build" }, { "host": "post" }],
          "world": { "buildkitd.probe": [{ "value": { "status": "NotReady" }, "times": "always" }] },
          "expect": { "reason": "SetupFailed" }
        }
        """;

    private const string ExposeRetriedThenRegistrationFails = """
        {
          "base": "healthy",
          "job": [{ "host": "setup" }, { "host": "build" }, { "host": "post" }],
          "world": {
            "stickydisk.expose": [
              { "error": "Unavailable", "message": "agent restarting: try again" },
              { "value": { "exposeId": "exp-7", "device": "/dev/vdc" } }
            ],
            "buildx.register": [{ "error": "Failed", "message": "docker buildx create exited with code 1: boom" }]
          },
          "expect": { "reason": "SetupFailed", "also": ["FallbackBuilder"] }
        }
        """;

    private const string NeverReadyUnderTheHostsBudget = """
        {
          "base": "healthy",
          "job": [{ "host": "setup" }, { "host": "build" }, { "host": "post" }],
          "world": {
            "stickydisk.expose": [
              { "error": "Unavailable", "message": "agent restarting" },
              { "value": { "exposeId": "exp-7", "device": "/dev/vdc" } }
            ],
            "buildkitd.probe": [{ "value": { "status": "NotReady" }, "times": "always" }]
          },
          "expect": { "reason": "SetupFailed" }
        }
        """;

    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-replay-data-");

    public static TheoryData<string> Jobs => [NeverReadyWithinTenSeconds, ExposeRetriedThenRegistrationFails];

    public static TheoryData<string> MalformedLines =>
    [
        "edited by hand",
        "null",
        """{"v":1,"seq":5,"ts":"2026-01-01T00:00:01Z","session":"post-1","kind":"transition","type":"PostRequested","payload":{"from":"Idle","to":"Done"}}""",
        """{"v":1,"seq":1,"ts":"2026-01-01T00:00:01Z","session":"post-1","kind":"transition","type":"PostRequested","payload":{"from":"Idle","to":"Done"}}""",
        """{"v":1,"seq":2,"ts":"2026-01-01T00:00:01Z","session":"","kind":"transition","type":"PostRequested","payload":{"from":"Idle","to":"Done"}}""",
        """{"v":1,"seq":2,"ts":"2026-01-01T00:00:01Z","session":"post-1","kind":"transition","type":"PostRequested"}""",
    ];

    [Theory]
    [MemberData(nameof(Jobs))]
    public void A_journal_whose_error_messages_are_reworded_replays_identically(string scenario)
    {
        var journal = Record(scenario);
        var reworded = Rewrite(journal, RewordMessages);
        Assert.NotEqual(journal.Select(r => r.Payload.GetRawText()), reworded.Select(r => r.Payload.GetRawText()));

        var asRecorded = ReplayRunner.Run(JournalScenario.From(journal, "recorded"));
        var asReworded = ReplayRunner.Run(JournalScenario.From(reworded, "reworded"));

        Assert.True(asRecorded.Passed, ScenarioLibraryTests.Explain(asRecorded));
        Assert.True(asReworded.Passed, ScenarioLibraryTests.Explain(asReworded));
        Assert.Equal(asRecorded.Hosts.Select(h => h.End), asReworded.Hosts.Select(h => h.End));
        Assert.Equal(Reasons(asRecorded), Reasons(asReworded));
        // Every record the replays wrote, timestamps, budgets and failure data included; only the words may differ.
        Assert.Equal(WithoutMessages(asRecorded.Journal), WithoutMessages(asReworded.Journal));
    }

    [Fact]
    public void A_failed_call_replays_with_its_recorded_operation_and_exit_code_whatever_its_message_says()
    {
        var journal = Record(ExposeRetriedThenRegistrationFails);
        // As an adapter records a tool that exited non-zero, under its own operation (not the call's name).
        var recorded = Rewrite(journal, (type, payload) =>
        {
            if (type == "buildx.register" && payload["failure"] is JsonObject failure)
            {
                failure["operation"] = "buildx.create";
                failure["exitCode"] = 1;
            }
        });

        var replayed = ReplayRunner.Run(JournalScenario.From(Rewrite(recorded, RewordMessages), "reworded"));

        Assert.True(replayed.Passed, ScenarioLibraryTests.Explain(replayed));
        var failed = replayed.Journal.Where(r => r.Type == nameof(LifecycleTrigger.SetupFailed))
            .Select(r => Assert.IsType<SetupFailed>(LifecycleEventCodec.Decode(r).Event))
            .Single();
        Assert.Equal(("register", "buildx.create", ExternalErrorKind.Failed, (int?)1), (failed.Step, failed.Failure?.Operation, failed.Failure?.Kind, failed.Failure?.ExitCode));
    }

    [Fact]
    public void A_journal_from_before_budgets_and_failures_were_journaled_still_replays_and_says_what_it_assumed()
    {
        var journal = Record(NeverReadyUnderTheHostsBudget);
        var old = Rewrite(journal, (_, payload) =>
        {
            payload.Remove("failure");
            payload.Remove("budgetMilliseconds");
        });
        Assert.DoesNotContain(old, r => r.Payload.GetRawText().Contains("budgetMilliseconds", StringComparison.Ordinal));

        var report = ReplayRunner.Run(JournalScenario.From(old, "old"));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Equal(WithoutMessages(journal).Where(IsTransition), WithoutMessages(report.Journal).Where(IsTransition));
        Assert.Contains(report.Warnings, w => w.Contains("records no budget", StringComparison.Ordinal)
            && w.Contains($"the setup host's, {StepBudgets.Hosts.DaemonReady.TotalSeconds:0} s", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("a failure recorded without its data", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recorded_journal_of_an_older_version_replays_under_the_hosts_budget_and_says_so()
    {
        var report = ReplayRunner.Run(ReplayInput.Load(ScenarioLibrary.PathOf("torn-journal-tail-is-left-out-and-the-post-replays-as-killed-after-settle.jsonl")));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        Assert.Contains(report.Warnings, w => w.StartsWith("line 16: the readiness wait of session run-515c8ad6 records no budget", StringComparison.Ordinal));
    }

    [Fact]
    public void A_scenario_that_names_no_readiness_budget_runs_under_the_setup_hosts()
    {
        var scenario = NeverReadyUnderTheHostsBudget.Replace(
            "\"expect\": { \"reason\": \"SetupFailed\" }",
            $$"""
            "expect": { "reason": "SetupFailed", "warnings": ["buildkitd was not ready within {{StepBudgets.Hosts.DaemonReady.TotalSeconds:0}} s"] }
            """,
            StringComparison.Ordinal);
        Assert.Contains("not ready within", scenario, StringComparison.Ordinal);

        var report = ReplayRunner.Run(Parse(scenario));

        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
    }

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public async Task A_malformed_line_is_reported_the_same_way_by_the_journal_and_by_replay(string line)
    {
        var valid = """{"v":1,"seq":1,"ts":"2026-01-01T00:00:00Z","session":"post-1","kind":"transition","type":"PostRequested","payload":{"from":"Idle","to":"Done"}}""";
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, JournalFile.JournalFileName), $"{valid}\n{line}\n", Ct);

        var byTheJournal = await Assert.ThrowsAsync<JournalFormatException>(async () => await new JournalFile(_dir.FullName).ReadAsync(0, Ct));
        var byReplay = Assert.Throws<ScenarioFormatException>(() => ReplayInput.Load(_dir.FullName));

        Assert.Equal(2, byTheJournal.Sequence);
        Assert.Equal(byTheJournal.Sequence, byReplay.Line);
        Assert.Equal(byTheJournal.Message, $"journal record {byReplay.Line}: {byReplay.Problem}");
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The journal a job writes, recorded by replaying a scenario on virtual time.</summary>
    private static IReadOnlyList<JournalRecord> Record(string scenario)
    {
        var report = ReplayRunner.Run(Parse(scenario));
        Assert.True(report.Passed, ScenarioLibraryTests.Explain(report));
        return report.Journal;
    }

    private static Scenario Parse(string json) => ScenarioFile.Parse(Encoding.UTF8.GetBytes(json), "inline.json");

    /// <summary>Every message the journal keeps, in other words (and with no ": " left to split on).</summary>
    private static void RewordMessages(string type, JsonObject payload)
    {
        foreach (var node in Descendants(payload).ToList())
        {
            if (node["message"] is JsonValue message)
            {
                node["message"] = $"reworded {message.GetValue<string>().Length}";
            }
        }
    }

    private static IEnumerable<JsonObject> Descendants(JsonObject node) =>
        [node, .. node.Select(p => p.Value).OfType<JsonObject>().SelectMany(Descendants)];

    private static List<JournalRecord> Rewrite(IReadOnlyList<JournalRecord> records, Action<string, JsonObject> change) =>
    [
        .. records.Select(r =>
        {
            var payload = JsonNode.Parse(r.Payload.GetRawText())!.AsObject();
            change(r.Type, payload);
            using var changed = JsonDocument.Parse(payload.ToJsonString());
            return r with { Payload = changed.RootElement.Clone() };
        }),
    ];

    private static (SkipReason, SkipReason[])? Reasons(ReplayReport report) =>
        report.Decision is CommitDecision.Skip skip ? (skip.Reason, [.. skip.Also]) : null;

    private static bool IsTransition(string line) => line.Contains("\"kind\":\"transition\"", StringComparison.Ordinal);

    /// <summary>
    /// Each record as a line, its messages blanked (and what quotes the setup's failure: a skip's detail, a fallback's
    /// reason): what must not depend on how a message is worded.
    /// </summary>
    private static IEnumerable<string> WithoutMessages(IReadOnlyList<JournalRecord> records) =>
        Rewrite(records, (type, payload) =>
        {
            foreach (var node in Descendants(payload).Where(n => n.ContainsKey("message")).ToList())
            {
                node["message"] = string.Empty;
            }

            if (type == "skip")
            {
                payload["detail"] = string.Empty;
            }

            if (type == nameof(LifecycleTrigger.FallbackActivated))
            {
                payload["reason"] = string.Empty;
            }
        }).Select(r => JsonSerializer.Serialize(r, JournalJsonContext.Default.JournalRecord));
}
