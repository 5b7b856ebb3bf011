using System.Text.Json;
using Blacksmith.Replay;
using Blacksmith.Hosts.Tests.Replay;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// The round trip of issue 5: a job's recorded journal, replayed in-process against today's lifecycle code with its
/// recorded effects as the world, takes the same transitions to the same decision. Every simulated job goes
/// through it (<see cref="RunnerSimulator.RunJobAsync"/>), so no end-to-end test can forget it.
/// </summary>
internal static class JournalRoundTrip
{
    /// <summary>Replays the journal in <paramref name="jobDirectory"/>; null when the job wrote none (said in the result).</summary>
    public static ReplayReport? Replay(string jobDirectory)
    {
        var path = Path.Combine(jobDirectory, JournalFile.JournalFileName);
        return File.Exists(path) ? ReplayRunner.Run(ReplayInput.Load(path)) : null;
    }

    /// <summary>
    /// Asserts the round trip of a finished job: no divergence, every expectation met, and, checked against the
    /// journal itself rather than the scenario made from it, the same transitions (trigger, from, to, session) and
    /// the same commit decision and reason.
    /// </summary>
    public static void AssertReproduces(JobResult job)
    {
        var path = Path.Combine(job.JobDirectory, JournalFile.JournalFileName);
        Assert.True(job.Replay is not null, $"the job wrote no journal at {path}, so there is nothing to replay");
        var report = job.Replay;
        var recorded = Records(path);
        var why = $"replay of {path}:\n{ScenarioLibraryTests.Explain(report)}";

        Assert.True(report.Divergence is null, why);
        Assert.True(report.Passed, why);
        Assert.Equal(
            recorded.Where(r => r.Kind == JournalRecordKind.Transition).Select(Transition),
            report.Timeline.Select(t => (t.Trigger, t.From, t.To, t.Session)));
        Assert.Equal(
            recorded.LastOrDefault(r => r.Kind == JournalRecordKind.Decision)?.Payload.GetRawText(),
            report.Decision is null ? null : JsonSerializer.Serialize(report.Decision, JournalJsonContext.Default.CommitDecision));
    }

    private static (LifecycleTrigger, LifecycleState, LifecycleState, string) Transition(JournalRecord record)
    {
        var (from, to, @event) = LifecycleEventCodec.Decode(record);
        return (@event.Trigger, from, to, record.Session);
    }

    private static List<JournalRecord> Records(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize(l, JournalJsonContext.Default.JournalRecord)!)];
}
