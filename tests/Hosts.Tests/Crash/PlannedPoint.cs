using System.Globalization;
using Blacksmith.Infrastructure.Failpoints;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>One kill point a healthy job passes: the step it is in, its name, and which time that step reaches it.</summary>
internal sealed record PlannedPoint(KillPointPhase Phase, string Point, int Hit)
{
    public KillPoint Kill(KillScope scope) => new(Point, Hit, scope);

    /// <summary>As the table shows it: the hit only where the step passes the point more than once.</summary>
    public string Label => Hit == 1 ? Point : string.Create(CultureInfo.InvariantCulture, $"{Point}#{Hit}");

    public override string ToString() => $"{Phase.ToString().ToLowerInvariant()} {Label}";
}
