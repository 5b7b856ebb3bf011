using System.Globalization;

namespace Blacksmith.Cli.Verbs;

/// <summary>Sizes (<c>50G</c>) and ages (<c>24h</c>) as people type them on the command line.</summary>
internal static class StoreArguments
{
    /// <summary>A byte count with an optional binary suffix K, M, G or T (an optional trailing B or iB is allowed).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim().TrimEnd('B', 'b');
        if (trimmed.EndsWith('i') || trimmed.EndsWith('I'))
        {
            trimmed = trimmed[..^1];
        }

        var shift = trimmed.Length == 0 ? 0 : char.ToUpperInvariant(trimmed[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        var number = shift == 0 ? trimmed : trimmed[..^1];
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        var scaled = value * (1L << shift);
        if (scaled > long.MaxValue)
        {
            return false;
        }

        bytes = (long)scaled;
        return true;
    }

    /// <summary>A whole number of seconds, minutes, hours or days: <c>90m</c>, <c>24h</c>, <c>7d</c>.</summary>
    public static bool TryParseAge(string text, out TimeSpan age)
    {
        age = TimeSpan.Zero;
        var trimmed = text.Trim();
        if (trimmed.Length < 2 || !int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        age = char.ToLowerInvariant(trimmed[^1]) switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => TimeSpan.Zero,
        };
        return age > TimeSpan.Zero;
    }

    /// <summary>Bytes for people: <c>812.4 MiB</c>.</summary>
    public static string FormatSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
