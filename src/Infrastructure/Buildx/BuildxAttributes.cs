namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// docker/actions-toolkit's exporter and attestation helpers (protocols §2.5), over <see cref="BuildxCsv"/>.
/// </summary>
internal static class BuildxAttributes
{
    /// <summary>
    /// Whether the outputs use exporter <paramref name="type"/>. A record that is one field not starting with
    /// <c>type=</c> is a bare path, which buildx exports with the local exporter, and decides at once, as upstream.
    /// </summary>
    public static bool HasExporterType(string type, IReadOnlyList<string> outputs)
    {
        foreach (var record in BuildxCsv.Records(string.Join('\n', outputs)))
        {
            if (record.Count == 1 && !record[0].StartsWith("type=", StringComparison.Ordinal))
            {
                return type == "local";
            }

            if (record.Any(field => IsType(field, type)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local or tar exporter writes files, not an image: buildx then has no image id to give.</summary>
    public static bool HasFileExporter(IReadOnlyList<string> outputs) =>
        HasExporterType("local", outputs) || HasExporterType("tar", outputs);

    /// <summary><c>hasDockerExporter</c>: <c>load</c>, or a <c>type=docker</c> output.</summary>
    public static bool HasDockerExporter(IReadOnlyList<string> outputs, bool load) => load || HasExporterType("docker", outputs);

    /// <summary>Whether one attestation entry has a <c>type=<paramref name="type"/></c> field.</summary>
    public static bool HasAttestationType(string type, string attributes) =>
        BuildxCsv.Records(attributes).Any(record => record.Any(field => IsType(field, type)));

    /// <summary>
    /// <c>resolveAttestationAttrs</c>: each field that is a Go boolean becomes <c>disabled=&lt;not it&gt;</c> (so
    /// <c>type=provenance,false</c> is <c>type=provenance,disabled=true</c>); the fields are joined with commas.
    /// </summary>
    public static string ResolveAttestationAttributes(string attributes) =>
        string.Join(',', BuildxCsv.Records(attributes).SelectMany(r => r).Select(field => GoBool.TryParse(field) is { } value ? $"disabled={(!value ? "true" : "false")}" : field));

    /// <summary>
    /// <c>resolveProvenanceAttrs</c>: the input with <c>builder-id=&lt;run URL&gt;</c> appended unless its first record
    /// already names a builder id. Without a run URL (not on GitHub Actions) the input stays as it is.
    /// </summary>
    public static string ResolveProvenanceAttributes(string input, string? runUrl)
    {
        if (runUrl is null)
        {
            return input;
        }

        if (input.Length == 0)
        {
            return $"builder-id={runUrl}";
        }

        var records = BuildxCsv.Records(input, trim: false);
        var first = records.Count > 0 ? records[0] : [];
        return first.Any(field => BuildxCsv.KeyValue(field).Key == "builder-id") ? input : $"{input},builder-id={runUrl}";
    }

    /// <summary>The value of attribute <paramref name="key"/> in one CSV entry, or null.</summary>
    public static string? Attribute(string entry, string key) =>
        BuildxCsv.Records(entry).SelectMany(r => r).Select(BuildxCsv.KeyValue).Where(kv => kv.Key == key).Select(kv => kv.Value).FirstOrDefault();

    // Upstream splits the field on every '=' and compares the first two pieces.
    private static bool IsType(string field, string type)
    {
        var pieces = field.Split('=');
        return pieces.Length >= 2 && pieces[0].Trim() == "type" && pieces[1].Trim() == type;
    }
}
