using System.Globalization;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// Reads the cleanup's settings from the environment (<see cref="LeftoverOptions.MaxJobDurationVariable"/>). Setup refuses
/// a value it cannot read (<see cref="Problem"/>) before it does anything; every other host falls back to the default,
/// since post must drain whatever the environment says.
/// </summary>
public static class LeftoverSettings
{
    internal static LeftoverOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new LeftoverOptions();
        return Problem(environment) is null && environment(LeftoverOptions.MaxJobDurationVariable) is { } text && !string.IsNullOrWhiteSpace(text)
            ? options with { MaxJobDuration = ParseDuration(text.Trim()) }
            : options;
    }

    /// <summary>What is wrong with the settings in the environment, in one line; null when nothing is.</summary>
    public static string? Problem(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(LeftoverOptions.MaxJobDurationVariable) is not { } text || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            _ = ParseDuration(text.Trim());
            return null;
        }
        catch (CiInputException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>A number of minutes (<c>90</c>), or a number with a unit: <c>45s</c>, <c>90m</c>, <c>6h</c>, <c>2d</c>.</summary>
    /// <exception cref="CiInputException">Anything else, a duration that is not positive, or one longer than a
    /// <see cref="TimeSpan"/> holds (about 29 000 years).</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 'm';
        var number = char.IsAsciiLetter(text.Length > 0 ? text[^1] : ' ') ? text[..^1] : text;
        var ticksPerUnit = unit switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            _ => 0,
        };
        if (ticksPerUnit > 0
            && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value > 0)
        {
            // A number too large for a TimeSpan is bad input like any other, not an overflow deep in the host.
            var ticks = value * ticksPerUnit;
            if (ticks >= TimeSpan.MaxValue.Ticks)
            {
                throw new CiInputException(
                    LeftoverOptions.MaxJobDurationVariable,
                    string.Create(CultureInfo.InvariantCulture, $"{LeftoverOptions.MaxJobDurationVariable} is too long to be a duration (at most {(long)TimeSpan.MaxValue.TotalDays}d), not '{text}'."));
            }

            return TimeSpan.FromTicks((long)ticks);
        }

        throw new CiInputException(
            LeftoverOptions.MaxJobDurationVariable,
            $"{LeftoverOptions.MaxJobDurationVariable} must be a positive duration: minutes (90), or a number with s, m, h or d (6h), not '{text}'.");
    }
}
