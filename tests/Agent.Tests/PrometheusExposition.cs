using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The Prometheus text format 0.0.4 read back strictly, so a test fails on anything a scraper would reject or misread:
/// a sample before its family's <c># HELP</c> and <c># TYPE</c>, a family declared twice, a bad name, label or value, a
/// histogram whose buckets are not cumulative, lack <c>le="+Inf"</c>, or disagree with <c>_count</c>.
/// </summary>
internal sealed partial class PrometheusExposition
{
    private PrometheusExposition(Dictionary<string, (string Help, string Type)> families, List<Sample> samples)
    {
        Families = families;
        Samples = samples;
    }

    /// <summary>Each family's help and type, by name.</summary>
    public IReadOnlyDictionary<string, (string Help, string Type)> Families { get; }

    /// <summary>Every sample, in order.</summary>
    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The one sample named <paramref name="name"/> with exactly these labels (in any order).</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).ToList();
        return found.Count == 1
            ? found[0].Value
            : throw new InvalidOperationException($"{found.Count} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}");
    }

    /// <summary>Whether any sample of <paramref name="name"/> is present.</summary>
    public bool Has(string name) => Samples.Any(s => s.Name == name);

    public static PrometheusExposition Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition does not end with a line feed");
        }

        var families = new Dictionary<string, (string Help, string Type)>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var number = 0;
        foreach (var line in text.Split('\n')[..^1])
        {
            number++;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var name = rest.Split(' ', 2)[0];
                RequireName(name, number);
                if (!helps.TryAdd(name, rest.Length > name.Length ? Unescape(rest[(name.Length + 1)..], quotes: false) : string.Empty))
                {
                    throw new FormatException($"line {number}: a second HELP for {name}");
                }
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 4 || parts[3] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                {
                    throw new FormatException($"line {number}: not a TYPE line: {line}");
                }

                if (samples.Any(s => Family(s.Name, parts[3]) == parts[2]) || !families.TryAdd(parts[2], (helps.GetValueOrDefault(parts[2]) ?? throw new FormatException($"line {number}: TYPE of {parts[2]} before its HELP"), parts[3])))
                {
                    throw new FormatException($"line {number}: TYPE of {parts[2]} after its samples, or twice");
                }
            }
            else if (line.StartsWith('#') || line.Length == 0)
            {
                throw new FormatException($"line {number}: neither a sample nor HELP/TYPE: '{line}'");
            }
            else
            {
                var sample = ParseSample(line, number);
                var family = families.Keys.FirstOrDefault(f => Family(sample.Name, families[f].Type) == f)
                    ?? throw new FormatException($"line {number}: {sample.Name} has no TYPE before it");
                if (families[family].Type == "histogram" && sample.Name == family)
                {
                    throw new FormatException($"line {number}: a histogram's samples are _bucket, _sum and _count, not {sample.Name}");
                }

                samples.Add(sample);
            }
        }

        var exposition = new PrometheusExposition(families, samples);
        foreach (var (name, _) in families.Where(f => f.Value.Type == "histogram"))
        {
            exposition.CheckHistogram(name);
        }

        return exposition;
    }

    private void CheckHistogram(string name)
    {
        foreach (var series in Samples.Where(s => s.Name == name + "_count"))
        {
            var buckets = Samples
                .Where(s => s.Name == name + "_bucket" && SameSeries(s.Labels, series.Labels))
                .ToList();
            if (buckets.Count == 0 || buckets[^1].Labels["le"] != "+Inf")
            {
                throw new FormatException($"{name}: a series without a last bucket le=\"+Inf\"");
            }

            var bounds = buckets.Select(b => b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture)).ToList();
            if (!bounds.Zip(bounds.Skip(1)).All(p => p.First < p.Second) || !buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value))
            {
                throw new FormatException($"{name}: buckets not in increasing order of le, or not cumulative");
            }

            if (buckets[^1].Value != series.Value || !Samples.Any(s => s.Name == name + "_sum" && s.Labels.Count == series.Labels.Count && series.Labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)))
            {
                throw new FormatException($"{name}: the +Inf bucket is not _count, or _sum is missing");
            }
        }
    }

    private static bool SameSeries(IReadOnlyDictionary<string, string> bucket, IReadOnlyDictionary<string, string> series) =>
        bucket.Count == series.Count + 1 && series.All(l => bucket.GetValueOrDefault(l.Key) == l.Value);

    private static string Family(string sample, string type) =>
        type == "histogram" && HistogramSuffix().Match(sample) is { Success: true } match ? match.Groups["family"].Value : sample;

    private static Sample ParseSample(string line, int number)
    {
        var match = SampleLine().Match(line);
        if (!match.Success)
        {
            throw new FormatException($"line {number}: not a sample: '{line}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = match.Groups["labels"].Value;
        var at = 0;
        while (at < text.Length)
        {
            var label = LabelPair().Match(text, at);
            if (!label.Success || label.Index != at || !labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value, quotes: true)))
            {
                throw new FormatException($"line {number}: bad or repeated label at '{text[at..]}'");
            }

            at += label.Length;
        }

        var value = match.Groups["value"].Value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var other => double.Parse(other, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(match.Groups["name"].Value, labels, value);
    }

    private static void RequireName(string name, int number)
    {
        if (!MetricName().IsMatch(name))
        {
            throw new FormatException($"line {number}: '{name}' is not a metric name");
        }
    }

    private static string Unescape(string text, bool quotes)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            result.Append(++i < text.Length ? text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quotes => '"',
                var other => throw new FormatException($"an unknown escape \\{other}"),
            } : throw new FormatException("a trailing backslash"));
        }

        return result.ToString();
    }

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)"",?")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"^(?<family>.+)_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();

    /// <summary>One sample line.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
