using System.Globalization;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Replay;

/// <summary>Compares a replay with what its scenario expects; each unmet expectation is one sentence.</summary>
internal static class ExpectationCheck
{
    public static List<string> Unmet(ScenarioExpectations expect, ReplayReport report, IReadOnlyList<string> settlements, IReadOnlyList<ScriptedAnswer> unused)
    {
        var unmet = new List<string>();
        if (expect.State is { } state && state != report.State)
        {
            unmet.Add($"state: expected {state}, got {report.State}");
        }

        var decision = report.Decision switch
        {
            CommitDecision.Commit => ExpectedDecision.Commit,
            CommitDecision.Skip => ExpectedDecision.Skip,
            _ => ExpectedDecision.None,
        };
        if (expect.Decision is { } expected && expected != decision)
        {
            unmet.Add($"decision: expected {Name(expected)}, got {Describe(report.Decision)}");
        }

        var skip = report.Decision as CommitDecision.Skip;
        if (expect.Reason is { } reason && skip?.Reason != reason)
        {
            unmet.Add($"reason: expected {reason}, got {Describe(report.Decision)}");
        }

        if (expect.Also is { } also && !also.SequenceEqual(skip?.Also ?? []))
        {
            unmet.Add($"also: expected [{string.Join(", ", also)}], got [{string.Join(", ", skip?.Also ?? [])}]");
        }

        CheckTransitions(expect, report, unmet);
        if (expect.Hosts is { } hosts && !hosts.SequenceEqual(report.Hosts.Select(h => h.End)))
        {
            unmet.Add($"hosts: expected [{string.Join(", ", hosts.Select(Name))}], got [{string.Join(", ", report.Hosts.Select(h => Name(h.End)))}]");
        }

        foreach (var (name, value) in expect.Outputs ?? new Dictionary<string, string>())
        {
            var actual = report.Outputs.GetValueOrDefault(name);
            if (actual != value)
            {
                unmet.Add($"output {name}: expected '{value}', got {(actual is null ? "none" : $"'{actual}'")}");
            }
        }

        CheckMessages("warning", expect.Warnings, report.Warnings, unmet);
        CheckMessages("error", expect.Errors, report.Errors, unmet);
        if (expect.Settlements is { } sent && !sent.SequenceEqual(settlements))
        {
            unmet.Add($"settlements: expected [{string.Join(", ", sent)}], got [{string.Join(", ", settlements)}]");
        }

        CheckLeftovers(expect.Leftovers, report.Leftovers, unmet);
        unmet.AddRange(unused.Select(a => $"scripted answer never used: {a.Describe()}"));
        return unmet;
    }

    /// <summary>Per other job: the last sweep's outcome and reason, and everything the sweeps did about it, in order.</summary>
    private static void CheckLeftovers(IReadOnlyDictionary<string, ExpectedLeftover>? expected, IReadOnlyList<ReplayLeftover> actual, List<string> unmet)
    {
        if (expected is null)
        {
            return;
        }

        var seen = actual.GroupBy(l => l.JobDirectory, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        unmet.AddRange(seen.Keys.Where(d => !expected.ContainsKey(d)).Select(d => $"leftovers: the sweep saw the claim of {d}, which the scenario does not expect"));
        foreach (var (directory, want) in expected)
        {
            if (!seen.TryGetValue(directory, out var sweeps))
            {
                unmet.Add($"leftovers {directory}: no sweep saw its claim");
                continue;
            }

            var last = sweeps[^1];
            var prefix = $"leftovers {directory}";
            if (want.Outcome is { } outcome && outcome != last.Outcome)
            {
                unmet.Add($"{prefix}: expected {Name(outcome)}, got {Name(last.Outcome)} ({last.Why})");
            }

            if (want.Why is { } why && !last.Why.Contains(why, StringComparison.Ordinal))
            {
                unmet.Add($"{prefix}: expected a reason containing '{why}', got '{last.Why}'");
            }

            var reported = sweeps.Count(s => s.Reported);
            if (want.Reported is { } times && times != reported)
            {
                unmet.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}: expected it reported {times} time(s), got {reported}"));
            }

            CheckList($"{prefix} stopped", want.Stopped?.Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList(), [.. sweeps.SelectMany(s => s.Stopped).Select(p => p.ToString(CultureInfo.InvariantCulture))], unmet);
            CheckList($"{prefix} unmounted", want.Unmounted, [.. sweeps.SelectMany(s => s.Unmounted)], unmet);
            CheckList($"{prefix} released", want.Released, [.. sweeps.SelectMany(s => s.Released)], unmet);
            CheckList($"{prefix} committed", want.Committed, [.. sweeps.SelectMany(s => s.Committed)], unmet);
            CheckMessages($"{prefix} problem", want.Problems, [.. sweeps.SelectMany(s => s.Problems)], unmet);
            CheckMessages($"{prefix} note", want.Notes, [.. sweeps.SelectMany(s => s.Notes)], unmet);
        }
    }

    private static void CheckList(string what, IReadOnlyList<string>? expected, List<string> actual, List<string> unmet)
    {
        if (expected is not null && !expected.SequenceEqual(actual))
        {
            unmet.Add($"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
        }
    }

    private static void CheckTransitions(ScenarioExpectations expect, ReplayReport report, List<string> unmet)
    {
        if (expect.Transitions is not { } transitions)
        {
            return;
        }

        var actual = report.Timeline;
        for (var i = 0; i < Math.Max(transitions.Count, actual.Count); i++)
        {
            var want = i < transitions.Count ? transitions[i] : null;
            var got = i < actual.Count ? actual[i] : null;
            if (want is not null && got is not null && want.Matches(got))
            {
                continue;
            }

            var gotText = got is null ? "nothing more" : $"{got.Session} {got.Trigger} {got.From} -> {got.To}";
            unmet.Add(string.Create(CultureInfo.InvariantCulture, $"transition {i + 1}: expected {want?.ToString() ?? "no more"}, got {gotText}"));
            return;
        }
    }

    private static void CheckMessages(string kind, IReadOnlyList<string>? expected, IReadOnlyList<string> actual, List<string> unmet)
    {
        if (expected is null)
        {
            return;
        }

        if (expected.Count == 0 && actual.Count > 0)
        {
            unmet.Add($"{kind}s: expected none, got {actual.Count}: {string.Join(" | ", actual)}");
        }

        foreach (var text in expected.Where(t => !actual.Any(a => a.Contains(t, StringComparison.Ordinal))))
        {
            unmet.Add($"{kind}s: expected one containing '{text}', got " + (actual.Count == 0 ? "none" : string.Join(" | ", actual)));
        }
    }

    private static string Describe(CommitDecision? decision) => decision switch
    {
        CommitDecision.Skip skip => $"skip ({skip.Reason})",
        CommitDecision.Commit => "commit",
        _ => "no decision",
    };

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>An outcome as scenarios spell it: <c>left-alone</c>.</summary>
    internal static string Name(LeftoverOutcome outcome) => outcome == LeftoverOutcome.LeftAlone ? "left-alone" : outcome.ToString().ToLowerInvariant();
}
