using System.Globalization;

namespace Blacksmith.Hosts.Flags;

/// <summary>
/// A duration as both executables' flags take one: a whole, positive number of seconds, minutes, hours or days
/// (<c>90m</c>, <c>6h</c>, <c>7d</c>; the unit in either case). One file compiled into blacksmith and blacksmith-agent,
/// which share no project a command line's grammar belongs in, so that a duration reads alike in both.
/// </summary>
internal static class WholeDuration
{
    /// <summary>The longest duration <see cref="TryParse"/> takes, in days: what a <see cref="TimeSpan"/> holds.</summary>
    public static long MaxDays => (long)TimeSpan.MaxValue.TotalDays;

    /// <summary>
    /// False for anything but a whole, positive number with a unit, with <paramref name="tooLong"/> set when the number is
    /// one a <see cref="TimeSpan"/> cannot hold (a mistake to report as such, never an overflow).
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration, out bool tooLong)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        tooLong = false;
        var trimmed = text.Trim();
        if (trimmed.Length < 2)
        {
            return false;
        }

        var ticksPerUnit = char.ToLowerInvariant(trimmed[^1]) switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            _ => 0,
        };
        var digits = trimmed.AsSpan(0, trimmed.Length - 1);
        if (ticksPerUnit == 0 || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        // Only digits, so a number that does not parse is beyond a long: too long, not malformed.
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            tooLong = true;
            return false;
        }

        duration = TimeSpan.FromTicks(count * ticksPerUnit);
        return count > 0;
    }
}
