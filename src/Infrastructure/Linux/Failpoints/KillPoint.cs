using System.Globalization;

namespace Blacksmith.Infrastructure.Failpoints;

/// <summary>
/// Where a test wants the host killed: the <paramref name="Hit"/>-th time it reaches <paramref name="Point"/>
/// (<c>effect:stickydisk.expose</c>, <c>transition:DiskExposed</c> …), and what is killed then.
/// </summary>
/// <param name="Point">The kill point's name, as the engine reports it.</param>
/// <param name="Hit">Which time the point is reached that kills (1: the first).</param>
/// <param name="Scope">The process alone, or its whole process group.</param>
public sealed record KillPoint(string Point, int Hit, KillScope Scope)
{
    /// <summary>
    /// Reads <c>&lt;point&gt;[#&lt;n&gt;]</c> and <c>process</c> or <c>group</c> (default <c>process</c>).
    /// </summary>
    /// <exception cref="FormatException">Either value is malformed: a test that asked for a kill must not run without one.</exception>
    public static KillPoint Parse(string value, string? scope)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var hit = 1;
        var hash = text.LastIndexOf('#');
        if (hash >= 0)
        {
            if (!int.TryParse(text.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out hit) || hit < 1)
            {
                throw new FormatException($"{TestFailpoints.KillAtVariable}={value}: the hit after '#' must be a whole number from 1");
            }

            text = text[..hash];
        }

        if (text.Length == 0 || text.Any(char.IsWhiteSpace))
        {
            throw new FormatException($"{TestFailpoints.KillAtVariable}={value}: expected <point>[#<n>], e.g. effect:stickydisk.expose or transition:DiskExposed#2");
        }

        var kind = scope?.Trim().ToLowerInvariant() switch
        {
            null or "" or "process" => KillScope.Process,
            "group" => KillScope.Group,
            _ => throw new FormatException($"{TestFailpoints.KillScopeVariable}={scope}: expected process or group"),
        };
        return new KillPoint(text, hit, kind);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Point}#{Hit} ({Scope.ToString().ToLowerInvariant()})");
}
