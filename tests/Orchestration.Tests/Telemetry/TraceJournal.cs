using System.Text.Json;
using System.Text.Json.Nodes;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Orchestration.Tests.Telemetry;

/// <summary>Writes journal records by hand, as the hosts would have, for the trace builder's tests.</summary>
internal sealed class TraceJournal(DateTimeOffset start)
{
    private readonly List<JournalRecord> _records = [];
    private DateTimeOffset _now = start;

    public IReadOnlyList<JournalRecord> Records => _records;

    /// <summary>A transition; <paramref name="facts"/> is the event's facts, a JSON object.</summary>
    public TraceJournal Transition(string session, string trigger, string from, string to, string facts = "{}")
    {
        var payload = new JsonObject { ["from"] = from, ["to"] = to };
        foreach (var (name, value) in JsonNode.Parse(facts)!.AsObject())
        {
            payload[name] = value?.DeepClone();
        }

        return Add(session, JournalRecordKind.Transition, trigger, payload.ToJsonString());
    }

    /// <summary>A call that ended now, after <paramref name="durationMs"/>; <paramref name="arguments"/> is a JSON object.</summary>
    public TraceJournal Effect(string session, string type, long durationMs, string outcome = "Succeeded", string arguments = "{}", string? error = null)
    {
        var payload = new JsonObject
        {
            ["port"] = type.Split('.')[0],
            ["method"] = type.Split('.')[1],
            ["arguments"] = JsonNode.Parse(arguments),
            ["outcome"] = outcome,
            ["durationMs"] = durationMs,
        };
        if (error is not null)
        {
            payload["errorKind"] = "Failed";
            payload["message"] = error;
        }

        _now += TimeSpan.FromMilliseconds(durationMs);
        return Add(session, JournalRecordKind.Effect, type, payload.ToJsonString());
    }

    public TraceJournal Decision(string session, string payload) =>
        Add(session, JournalRecordKind.Decision, payload.Contains("\"skip\"", StringComparison.Ordinal) ? "skip" : "commit", payload);

    private TraceJournal Add(string session, JournalRecordKind kind, string type, string payload)
    {
        _now += TimeSpan.FromMilliseconds(10);
        using var document = JsonDocument.Parse(payload);
        _records.Add(new JournalRecord(JournalRecord.CurrentVersion, _records.Count + 1, _now, session, kind, type, document.RootElement.Clone()));
        return this;
    }
}
