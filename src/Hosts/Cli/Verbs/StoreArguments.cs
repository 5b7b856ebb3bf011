using System.Globalization;

namespace Blacksmith.Cli.Verbs;

/// <summary>Sizes (<c>50G</c>) as people type them on the command line, and as the store prints them.</summary>
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

        // Compared before scaling: a number near decimal's own limit would overflow in the product.
        if (value > (decimal)long.MaxValue / (1L << shift))
        {
            return false;
        }

        bytes = (long)(value * (1L << shift));
        return true;
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
