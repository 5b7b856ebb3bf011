using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Orchestration.Telemetry;

/// <summary>
/// Tells a job's journal as one OpenTelemetry trace: a span for the job, a span per step (setup, each build, post)
/// and, under each step, a span per external call with its outcome; transitions become events of their step's span
/// and the commit decision attributes of the job's and post's spans.
/// </summary>
/// <remarks>
/// Every identifier is derived from the journal, so the same journal always makes the same trace and a re-export
/// (<c>blacksmith status --otlp</c>) replaces rather than duplicates what a collector already has. The trace id comes
/// from the CI's trace context when there is one, else from the journal's first record. Only what the journal holds
/// becomes an attribute, and the journal holds no secret.
/// </remarks>
internal static class JobTraceBuilder
{
    /// <summary>The instrumentation scope's name, and the prefix of every attribute this trace carries.</summary>
    public const string Scope = "blacksmith";

    /// <summary>Builds the trace of <paramref name="records"/>; null when there is nothing to tell.</summary>
    public static JobTrace? Build(IReadOnlyList<JournalRecord> records, TraceParent? parent)
    {
        ArgumentNullException.ThrowIfNull(records);
        // An export of this trace is not part of the job it tells: leaving it out keeps every export the same trace.
        records = records.Where(r => !(r.Kind == JournalRecordKind.Effect && r.Type == PortCalls.TelemetryExport.Name)).ToList();
        if (records.Count == 0)
        {
            return null;
        }

        var traceId = parent?.TraceId ?? DerivedTraceId(records[0]);
        var jobSpanId = SpanId(traceId, "job");
        var steps = StepsOf(records);
        var spans = new List<TraceSpan>();
        var stepSpans = new List<TraceSpan>();
        foreach (var step in steps)
        {
            var stepSpanId = SpanId(traceId, $"step/{step.Key}");
            var calls = step.Records.Where(r => r.Kind == JournalRecordKind.Effect).Select(r => CallSpan(traceId, stepSpanId, r)).ToList();
            var start = Earliest(step.Records, calls);
            var end = step.Records.Max(r => r.Ts);
            var failed = calls.FirstOrDefault(c => c.Status == TraceSpanStatus.Error);
            stepSpans.Add(new TraceSpan(
                TraceSpanKind.Step,
                stepSpanId,
                jobSpanId,
                step.Name,
                start,
                end < start ? start : end,
                failed is null ? TraceSpanStatus.Unset : TraceSpanStatus.Error,
                failed is null ? null : $"{failed.Name} failed",
                StepTags(step),
                step.Records.Where(r => r.Kind == JournalRecordKind.Transition).Select(TransitionEvent).ToList()));
            spans.AddRange(calls);
        }

        var jobStart = stepSpans.Count > 0 ? stepSpans.Min(s => s.Start) : records[0].Ts;
        var jobEnd = records.Max(r => r.Ts);
        var failure = LastTransition(records, "CommitFailed") ?? LastTransition(records, "SetupFailed");
        var jobSpan = new TraceSpan(
            TraceSpanKind.Job,
            jobSpanId,
            parent?.ParentSpanId,
            "job",
            jobStart,
            jobEnd < jobStart ? jobStart : jobEnd,
            failure is null ? TraceSpanStatus.Unset : TraceSpanStatus.Error,
            failure is null ? null : Text(failure.Payload, "message") ?? failure.Type,
            JobTags(records),
            []);
        return new JobTrace(traceId, parent, [jobSpan, .. stepSpans, .. spans]);
    }

    /// <summary>The trace id a journal has when no CI trace context encloses it.</summary>
    public static string DerivedTraceId(JournalRecord first)
    {
        ArgumentNullException.ThrowIfNull(first);
        return Hex(Hash($"trace/{first.Session}/{first.Ts.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}"), 16);
    }

    private static List<Step> StepsOf(IReadOnlyList<JournalRecord> records)
    {
        var setupSessions = SessionsWith(records, "SetupStarted", "BuilderAttached", "SessionAttached");
        var postStart = records.FirstOrDefault(r => r.Kind == JournalRecordKind.Transition && r.Type == "PostRequested")
            ?? records.FirstOrDefault(r => r.Kind == JournalRecordKind.Decision);
        var buildOfSession = new Dictionary<string, string>(StringComparer.Ordinal);
        var buildNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in records.Where(r => r.Kind == JournalRecordKind.Transition && r.Type == "BuildStarted"))
        {
            var buildId = Text(record.Payload, "buildId");
            if (buildId is null)
            {
                continue;
            }

            buildNames[buildId] = Text(record.Payload, "name") ?? buildId;
            if (!setupSessions.Contains(record.Session) && record.Session != postStart?.Session)
            {
                buildOfSession.TryAdd(record.Session, buildId);
            }
        }

        // A host's own reports (metrics) are journaled outside any session's scope: they belong to the step that was
        // running when they were made, the one of the record before them (or after, for the very first records).
        var placed = records.Select(r => r.Session == EffectScope.Unscoped ? ((string Key, string Name, string? BuildId)?)null : StepOf(r, setupSessions, postStart, buildOfSession, buildNames)).ToList();
        var steps = new List<Step>();
        var byKey = new Dictionary<string, Step>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var place = placed[i] ?? placed.Take(i).LastOrDefault(p => p is not null) ?? placed.Skip(i).FirstOrDefault(p => p is not null) ?? ("session/unscoped", "step", null);
            if (!byKey.TryGetValue(place.Key, out var step))
            {
                step = new Step(place.Key, place.Name, place.BuildId);
                byKey[place.Key] = step;
                steps.Add(step);
            }

            step.Records.Add(record);
            if (step.Session is null && record.Session != EffectScope.Unscoped)
            {
                step.Session = record.Session;
            }
        }

        return steps;
    }

    private static (string Key, string Name, string? BuildId) StepOf(
        JournalRecord record,
        HashSet<string> setupSessions,
        JournalRecord? postStart,
        Dictionary<string, string> buildOfSession,
        Dictionary<string, string> buildNames)
    {
        var buildId = BuildIdOf(record) ?? buildOfSession.GetValueOrDefault(record.Session);
        if (buildId is not null && buildNames.TryGetValue(buildId, out var buildName))
        {
            return ($"build/{buildId}", $"build {buildName}", buildId);
        }

        var inPost = postStart is not null
            && record.Session == postStart.Session
            && (!setupSessions.Contains(record.Session) || record.Seq >= postStart.Seq);
        if (inPost || record.Kind == JournalRecordKind.Decision)
        {
            return ("post", "post", null);
        }

        return setupSessions.Contains(record.Session)
            ? ($"setup/{record.Session}", "setup", null)
            : ($"session/{record.Session}", "step", null);
    }

    private static string? BuildIdOf(JournalRecord record) => record.Kind switch
    {
        JournalRecordKind.Transition when record.Type is "BuildStarted" or "BuildFinished" => Text(record.Payload, "buildId"),
        JournalRecordKind.Effect => record.Payload.TryGetProperty("arguments", out var arguments) ? Text(arguments, "buildId") : null,
        _ => null,
    };

    private static HashSet<string> SessionsWith(IReadOnlyList<JournalRecord> records, params string[] triggers) =>
        records.Where(r => r.Kind == JournalRecordKind.Transition && triggers.Contains(r.Type, StringComparer.Ordinal))
            .Select(r => r.Session)
            .ToHashSet(StringComparer.Ordinal);

    private static TraceSpan CallSpan(string traceId, string stepSpanId, JournalRecord record)
    {
        var payload = record.Payload;
        var outcome = Text(payload, "outcome") ?? "Unknown";
        var duration = payload.TryGetProperty("durationMs", out var ms) && ms.TryGetInt64(out var value) ? Math.Max(0, value) : 0;
        var attributes = new List<SpanTag>
        {
            SpanTag.Of($"{Scope}.call.outcome", outcome),
            SpanTag.Of($"{Scope}.call.duration_ms", duration),
            SpanTag.Of($"{Scope}.journal.seq", record.Seq),
        };
        if (Text(payload, "errorKind") is { } kind)
        {
            attributes.Add(SpanTag.Of($"{Scope}.call.error_kind", kind));
        }

        if (payload.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var argument in arguments.EnumerateObject())
            {
                if (argument.Value.ValueKind == JsonValueKind.String)
                {
                    attributes.Add(SpanTag.Of($"{Scope}.call.arg.{argument.Name}", argument.Value.GetString()!));
                }
            }
        }

        var failed = outcome != "Succeeded";
        return new TraceSpan(
            TraceSpanKind.Call,
            SpanId(traceId, $"call/{record.Seq}"),
            stepSpanId,
            record.Type,
            record.Ts - TimeSpan.FromMilliseconds(duration),
            record.Ts,
            failed ? TraceSpanStatus.Error : TraceSpanStatus.Ok,
            failed ? Text(payload, "message") ?? outcome : null,
            attributes,
            []);
    }

    private static TraceEvent TransitionEvent(JournalRecord record)
    {
        var attributes = new List<SpanTag> { SpanTag.Of($"{Scope}.journal.seq", record.Seq) };
        foreach (var (property, key) in new[] { ("from", "state.from"), ("to", "state.to"), ("outcome", "outcome"), ("reason", "reason") })
        {
            if (Text(record.Payload, property) is { } value)
            {
                attributes.Add(SpanTag.Of($"{Scope}.{key}", value));
            }
        }

        return new TraceEvent(record.Type, record.Ts, attributes);
    }

    private static List<SpanTag> StepTags(Step step)
    {
        var attributes = new List<SpanTag> { SpanTag.Of($"{Scope}.session", step.Session ?? EffectScope.Unscoped) };
        if (step.BuildId is not null)
        {
            attributes.Add(SpanTag.Of($"{Scope}.build.id", step.BuildId));
            var finished = step.Records.FirstOrDefault(r => r.Kind == JournalRecordKind.Transition && r.Type == "BuildFinished");
            if (finished is not null && Text(finished.Payload, "outcome") is { } outcome)
            {
                attributes.Add(SpanTag.Of($"{Scope}.build.outcome", outcome));
            }
        }

        if (step.Records.LastOrDefault(r => r.Kind == JournalRecordKind.Decision) is { } decision)
        {
            attributes.AddRange(DecisionTags(decision));
        }

        return attributes;
    }

    /// <summary>The job's facts, read from the records as they are (a trace tells even a journal the lifecycle would refuse).</summary>
    private static List<SpanTag> JobTags(IReadOnlyList<JournalRecord> records)
    {
        var transitions = records.Where(r => r.Kind == JournalRecordKind.Transition).ToList();
        var tags = new List<SpanTag> { SpanTag.Of($"{Scope}.builds", (long)transitions.Count(t => t.Type == "BuildStarted")) };
        if (transitions.Count > 0)
        {
            AddIfPresent(tags, $"{Scope}.state", Text(transitions[^1].Payload, "to"));
        }

        if (LastTransition(records, "SetupStarted") is { } setup && setup.Payload.TryGetProperty("setup", out var facts))
        {
            AddIfPresent(tags, $"{Scope}.cache_key", Text(facts, "cacheKey"));
            AddIfPresent(tags, $"{Scope}.store", Text(facts, "store"));
        }

        if (LastTransition(records, "BuilderRegistered") is { } registered)
        {
            AddIfPresent(tags, $"{Scope}.builder.name", Text(registered.Payload, "builderName"));
        }

        if (LastTransition(records, "CommitRequested") is not null || LastTransition(records, "CommitFailed") is not null)
        {
            tags.Add(SpanTag.Of($"{Scope}.commit.accepted", LastTransition(records, "CommitFailed") is null));
        }

        if (records.LastOrDefault(r => r.Kind == JournalRecordKind.Decision) is { } decision)
        {
            tags.AddRange(DecisionTags(decision));
        }

        return tags;
    }

    private static JournalRecord? LastTransition(IReadOnlyList<JournalRecord> records, string trigger) =>
        records.LastOrDefault(r => r.Kind == JournalRecordKind.Transition && r.Type == trigger);

    private static IEnumerable<SpanTag> DecisionTags(JournalRecord decision)
    {
        yield return SpanTag.Of($"{Scope}.decision", Text(decision.Payload, "decision") ?? decision.Type);
        if (Text(decision.Payload, "reason") is { } reason)
        {
            yield return SpanTag.Of($"{Scope}.decision.reason", reason);
        }

        if (Text(decision.Payload, "detail") is { } detail)
        {
            yield return SpanTag.Of($"{Scope}.decision.detail", detail);
        }
    }

    private static void AddIfPresent(List<SpanTag> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(SpanTag.Of(key, value));
        }
    }

    private static DateTimeOffset Earliest(List<JournalRecord> records, List<TraceSpan> calls)
    {
        var earliest = records.Min(r => r.Ts);
        return calls.Count > 0 && calls.Min(c => c.Start) is var first && first < earliest ? first : earliest;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string SpanId(string traceId, string key) => Hex(Hash($"span/{traceId}/{key}"), 8);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    // A hash whose leading bytes are all zero would make an invalid id; the odds are 2^-64 and the fix is one bit.
    private static string Hex(byte[] hash, int bytes)
    {
        var id = hash.AsSpan(0, bytes).ToArray();
        if (id.All(b => b == 0))
        {
            id[^1] = 1;
        }

        return Convert.ToHexStringLower(id);
    }

    private sealed class Step(string key, string name, string? buildId)
    {
        public string Key { get; } = key;

        public string Name { get; } = name;

        public string? BuildId { get; } = buildId;

        /// <summary>The session that ran the step; null while only unscoped reports were placed in it.</summary>
        public string? Session { get; set; }

        public List<JournalRecord> Records { get; } = [];
    }
}
