using System.Globalization;
using System.Text;
using Blacksmith.Replay;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Cli.Output;

/// <summary>The human form of a replay report.</summary>
internal static class ReplayText
{
    public static string Render(ReplayReport report)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Scenario: {report.Scenario} ({report.Source})");
        text.AppendLine("Hosts:");
        foreach (var host in report.Hosts)
        {
            text.AppendLine(inv, $"  {host.Index,2}. {host.Kind,-7} {host.Session,-16} {Name(host.End)}{(host.Detail is null ? string.Empty : $": {host.Detail}")}");
        }

        text.AppendLine("Timeline:");
        foreach (var t in report.Timeline)
        {
            text.AppendLine(inv, $"  {Format(t.AtMs),9}  {t.Session,-16} {t.Trigger,-20} {t.From} -> {t.To}");
        }

        if (report.Leftovers.Count > 0)
        {
            // The sweep's calls are not in the journal (a real setup journals one leftovers.clean record per cleanup):
            // this is where the report shows them.
            text.AppendLine("Leftovers (the sweep before each setup, other jobs' claims):");
            foreach (var leftover in report.Leftovers)
            {
                text.AppendLine(inv, $"  {leftover.Session,-16} {leftover.JobDirectory}: {Outcome(leftover)}, {leftover.Why}");
                foreach (var line in Details(leftover))
                {
                    text.AppendLine(inv, $"  {string.Empty,-16}   {line}");
                }
            }
        }

        text.AppendLine(inv, $"Effects:  {report.Effects.Count} port call(s)");
        text.AppendLine(inv, $"State:    {report.State}");
        text.AppendLine(inv, $"Decision: {Describe(report)}");
        text.AppendLine("Outputs:");
        foreach (var (name, value) in report.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            text.AppendLine(inv, $"  {name} = {value}");
        }

        foreach (var warning in report.Warnings)
        {
            text.AppendLine(inv, $"Warning:  {warning}");
        }

        foreach (var error in report.Errors)
        {
            text.AppendLine(inv, $"Error:    {error}");
        }

        if (report.Divergence is { } divergence)
        {
            text.AppendLine(inv, $"DIVERGED: {divergence.Call} asked by session {divergence.Session}: {divergence.Reason}");
            text.AppendLine(inv, $"  arguments: {(divergence.Arguments.Count == 0 ? "none" : string.Join(", ", divergence.Arguments.Select(a => $"{a.Key}={a.Value}")))}");
            text.AppendLine(inv, $"  expected:  {(divergence.Expected.Count == 0 ? "nothing more" : string.Join(Environment.NewLine + "             ", divergence.Expected))}");
        }

        if (report.Unmet.Count == 0)
        {
            text.AppendLine(report.Divergence is null ? "Expectations: all met" : "Expectations: not checked past the divergence");
        }
        else
        {
            text.AppendLine(inv, $"Expectations: {report.Unmet.Count} not met");
            foreach (var unmet in report.Unmet)
            {
                text.AppendLine(inv, $"  - {unmet}");
            }
        }

        return text.ToString();
    }

    private static string Describe(ReplayReport report) => report.Decision switch
    {
        null => "none",
        CommitDecision.Commit when report.CommitAccepted == true => "commit, requested (the store accepted it)",
        CommitDecision.Commit when report.CommitAccepted == false => "commit, but the request failed",
        CommitDecision.Commit => "commit",
        CommitDecision.Skip skip => $"skip, {skip.Reason}: {skip.Detail}" + (skip.Also.Count == 0 ? string.Empty : $" (also: {string.Join(", ", skip.Also)})"),
        _ => report.Decision.ToString() ?? string.Empty,
    };

    private static string Outcome(ReplayLeftover leftover) => leftover.Outcome switch
    {
        LeftoverOutcome.LeftAlone when leftover.Reported => "left alone (reported)",
        LeftoverOutcome.LeftAlone => "left alone",
        LeftoverOutcome.Cleaned => "cleaned, claim removed",
        LeftoverOutcome.Kept => "claim kept",
        _ => "interrupted, claim kept",
    };

    private static IEnumerable<string> Details(ReplayLeftover leftover)
    {
        if (leftover.Actions.Count > 0)
        {
            yield return $"did:       {string.Join("; ", leftover.Actions)}";
        }

        foreach (var problem in leftover.Problems)
        {
            yield return $"could not: {problem}";
        }

        foreach (var note in leftover.Notes)
        {
            yield return $"left:      {note}";
        }

        if (leftover.Calls.Count > 0)
        {
            yield return $"calls:     {string.Join(", ", leftover.Calls.Select(c => c.Outcome == Orchestration.Journal.EffectOutcome.Succeeded ? c.Call : $"{c.Call} ({c.Outcome})"))}";
        }

        var held = leftover.HeldAfter.Describe();
        yield return held.Count == 0 ? "holds:     nothing any more" : $"holds:     {string.Join(", ", held)}";
    }

    private static string Name(HostEnd end) => end == HostEnd.NotRun ? "not-run" : end.ToString().ToLowerInvariant();

    private static string Format(long ms) =>
        ms < 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms} ms") : string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.00} s");
}
