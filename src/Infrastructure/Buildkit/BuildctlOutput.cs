using System.Globalization;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>Reading buildctl's table output (protocols §3.3).</summary>
internal static class BuildctlOutput
{
    // tonistiigi/units: decimal units for %.2f, which buildctl prune uses; binary ones accepted too.
    private static readonly Dictionary<string, double> Units = new(StringComparer.Ordinal)
    {
        ["B"] = 1,
        ["kB"] = 1e3,
        ["KB"] = 1e3,
        ["MB"] = 1e6,
        ["GB"] = 1e9,
        ["TB"] = 1e12,
        ["PB"] = 1e15,
        ["EB"] = 1e18,
        ["KiB"] = 1L << 10,
        ["MiB"] = 1L << 20,
        ["GiB"] = 1L << 30,
        ["TiB"] = 1L << 40,
        ["PiB"] = 1L << 50,
        ["EiB"] = 1L << 60,
    };

    /// <summary>
    /// The worker rows of <c>buildctl debug workers</c>: a tabwriter table whose header is <c>ID</c> then
    /// <c>PLATFORMS</c>, one row per worker. No header means no table, so no worker.
    /// </summary>
    public static int CountWorkers(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0)
        {
            return 0;
        }

        var header = lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (header is not ["ID", "PLATFORMS", ..])
        {
            return 0;
        }

        return lines.Count - 1;
    }

    /// <summary>
    /// The bytes freed according to the <c>Total:</c> line of <c>buildctl prune</c> (e.g. <c>Total:\t1.50GB</c>, two
    /// decimals, so accurate to 0.5 % of the unit); 0 when no total is printed.
    /// </summary>
    public static long ParsePruneTotal(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var total = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("Total:", StringComparison.Ordinal));
        if (total is null)
        {
            return 0;
        }

        var value = total["Total:".Length..].Trim();
        var split = 0;
        while (split < value.Length && (char.IsAsciiDigit(value[split]) || value[split] == '.'))
        {
            split++;
        }

        if (!double.TryParse(value.AsSpan(0, split), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || !Units.TryGetValue(value[split..].Trim(), out var unit))
        {
            return 0;
        }

        return (long)Math.Round(number * unit);
    }
}
