using System.Globalization;
using System.Text;
using Blacksmith.Cli.Verbs;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Cli.Output;

/// <summary>The human form of <c>blacksmith store ls</c> and <c>store gc</c>.</summary>
internal static class StoreText
{
    /// <summary>The listing, with each exposure's age and lease as of <paramref name="now"/>.</summary>
    public static string Render(LocalStoreListing listing, DateTimeOffset now)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        if (!listing.Exists)
        {
            return text.AppendLine(inv, $"No local store at {listing.DataDirectory} (nothing was ever exposed there).").ToString();
        }

        var cap = listing.TotalSizeCapBytes is { } bytes ? $", cap {StoreArguments.FormatSize(bytes)}" : "";
        text.AppendLine(inv, $"Local store at {listing.DataDirectory} ({Describe(listing.Mode)} mode): {listing.Keys.Count} key(s), {StoreArguments.FormatSize(listing.SizeBytes)}{cap}");
        if (listing.Keys.Count > 0)
        {
            var width = Math.Max(3, listing.Keys.Max(k => k.Key.Length));
            text.AppendLine(inv, $"{"KEY".PadRight(width)}  {"GENERATIONS",-11}  {"SIZE",10}  {"LAST USED",-17}  {"LAST COMMITTED",-17}  EXPOSED");
            foreach (var key in listing.Keys)
            {
                var generations = key.Generations.Count switch
                {
                    0 => "-",
                    1 => key.Generations[0].Number.ToString(inv),
                    _ => $"{key.Generations[0].Number}..{key.Generations[^1].Number}",
                };
                text.AppendLine(inv, $"{key.Key.PadRight(width)}  {generations,-11}  {StoreArguments.FormatSize(key.SizeBytes),10}  {Time(key.LastUsed),-17}  {Time(key.LastCommitted),-17}  {key.LiveExposures}");
            }
        }

        if (listing.Exposures.Count > 0)
        {
            text.AppendLine("Exposures not settled:");
            foreach (var exposure in listing.Exposures)
            {
                var origin = exposure.BaseGeneration is { } generation ? $"from generation {generation}" : "new disk";
                var method = exposure.Method is { } made ? $", {made}" : "";
                var age = JobEnd.Describe(now - exposure.Created);
                text.AppendLine(inv, $"  {exposure.ExposeId}  {exposure.Key}  {exposure.State}  {exposure.Device ?? "-"}  ({origin}{method}, since {Time(exposure.Created)}, {age} ago, {Lease(exposure.LeaseExpires, now)}, pid {exposure.Pid})");
            }
        }

        return text.ToString();
    }

    public static string Render(LocalStoreGcReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Exposures recovered:    {report.ExposuresRecovered}");
        text.AppendLine(inv, $"Loop devices detached:  {(report.LoopDevicesDetached.Count == 0 ? "0" : string.Join(", ", report.LoopDevicesDetached))}");
        text.AppendLine(inv, $"Orphans removed:        {report.OrphansRemoved}");
        text.AppendLine(inv, $"Generations pruned:     {report.GenerationsPruned}");
        text.AppendLine(inv, $"Keys evicted:           {(report.KeysEvicted.Count == 0 ? "0" : string.Join(", ", report.KeysEvicted))}");
        text.AppendLine(inv, $"Freed:                  {StoreArguments.FormatSize(report.BytesFreed)}");
        return text.ToString();
    }

    // The agent grants leases and takes back what ran out unused (docs/agent.md, "Leases"); the embedded store grants none.
    private static string Lease(DateTimeOffset? expires, DateTimeOffset now) => expires switch
    {
        null => "no lease",
        { } at when at > now => $"lease runs out {Time(at)}, {JobEnd.Describe(at - now)} left",
        { } at => $"lease ran out {Time(at)}, {JobEnd.Describe(now - at)} ago",
    };

    private static string Describe(LocalStoreMode mode) => mode == LocalStoreMode.LoopDevice ? "loop-device" : "directory";

    private static string Time(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "-";
}
