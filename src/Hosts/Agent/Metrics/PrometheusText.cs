using System.Globalization;
using System.Text;

namespace Blacksmith.Agent.Metrics;

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: for each family a <c># HELP</c> and a <c># TYPE</c> line, then its
/// samples; a histogram as cumulative <c>_bucket{le="…"}</c> samples ending with <c>le="+Inf"</c>, then <c>_sum</c> and
/// <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The <c>Content-Type</c> a scraper expects for this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        var text = new StringBuilder();
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var series in family.Series)
            {
                if (family.Type == MetricType.Histogram)
                {
                    WriteHistogram(text, family.Name, series);
                }
                else
                {
                    Sample(text, family.Name, series.Labels, null, series.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>A sample value as the format writes it: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(StringBuilder text, string name, MetricSeries series)
    {
        var bounds = series.Bounds ?? [];
        var cumulative = series.Cumulative ?? [];
        for (var i = 0; i < bounds.Count; i++)
        {
            Sample(text, name + "_bucket", series.Labels, Number(bounds[i]), cumulative[i]);
        }

        Sample(text, name + "_bucket", series.Labels, "+Inf", series.Count);
        Sample(text, name + "_sum", series.Labels, null, series.Value);
        Sample(text, name + "_count", series.Labels, null, series.Count);
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (label, labelValue) in labels)
            {
                text.Append(first ? "" : ",").Append(label).Append("=\"").Append(EscapeLabel(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };

    // The format's two escapes: in HELP, backslash and line feed; in a label value, the double quote too.
    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string value) => EscapeHelp(value).Replace("\"", "\\\"", StringComparison.Ordinal);
}
