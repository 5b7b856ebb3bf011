using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.Failpoints;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>The kill-point table in Markdown, as the tests print it and as docs/kill-points.md keeps it.</summary>
internal static class KillPointTable
{
    public static string Render(IEnumerable<KillPointOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.AppendLine("| Point | Scope | Follow-up | Left before the follow-up | Cleaned up by | Committed? | Post exit |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var o in outcomes)
        {
            var exit = o.PostExit?.ToString(CultureInfo.InvariantCulture) ?? "-";
            var problems = o.Problems.Count == 0 ? "" : $" **FAILED: {Cell(string.Join("; ", o.Problems))}**";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {PointCell(o.Point)} | {Scope(o.Scope)} | {FollowUpText(o.FollowUp)} | {Cell(o.Left)} | {Cell(o.CleanedBy)}{problems} | {Cell(o.Committed)} | {exit} |");
        }

        return text.ToString();
    }

    /// <summary>The point cells of a rendered table (its first column), in order.</summary>
    public static IReadOnlyList<string> Points(IEnumerable<string> lines) =>
        [.. lines
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l[2..l.IndexOf(" |", 2, StringComparison.Ordinal)])];

    /// <summary>The point as the table's first column shows it: the step it is in where the name alone does not say.</summary>
    public static string PointCell(PlannedPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.Phase == KillPointPhase.PostRelease ? $"`{point.Label}` (releasing post)" : $"`{point.Label}`";
    }

    public static string FollowUpText(FollowUp followUp) => followUp == FollowUp.JobPost ? "its post" : "next job";

    private static string Scope(KillScope scope) => scope == KillScope.Group ? "group" : "process";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
