using System.Text;
using System.Text.Json;
using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// The outputs docker/setup-buildx-action derives from the builder's inspect (protocols §2.10): <c>driver</c>,
/// <c>platforms</c> (every node's, comma-separated) and <c>nodes</c> (its parsed nodes as indented JSON, with its
/// keys), so a workflow written against setup-buildx-action reads ours unchanged.
/// </summary>
public static class BuilderOutputs
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>The three outputs of <paramref name="inspection"/>, by output name; <c>driver</c> only when inspect named one.</summary>
    public static IReadOnlyDictionary<string, string> From(BuilderInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["platforms"] = string.Join(',', inspection.Platforms),
            ["nodes"] = Nodes(inspection.Nodes),
        };
        if (inspection.Driver is { Length: > 0 } driver)
        {
            outputs["driver"] = driver;
        }

        return outputs;
    }

    // Written by hand rather than serialized: the keys are setup-buildx-action's (driver-opts, buildkitd-flags), not ours.
    private static string Nodes(IReadOnlyList<BuilderNode> nodes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartArray();
            foreach (var node in nodes)
            {
                json.WriteStartObject();
                json.WriteString("name", node.Name);
                Optional(json, "endpoint", node.Endpoint);
                if (node.DriverOptions.Count > 0)
                {
                    json.WriteStartArray("driver-opts");
                    foreach (var (key, value) in node.DriverOptions)
                    {
                        json.WriteStringValue($"{key}={value}");
                    }

                    json.WriteEndArray();
                }

                Optional(json, "status", node.Status);
                Optional(json, "buildkitd-flags", node.BuildkitdFlags);
                Optional(json, "buildkit", node.BuildkitVersion);
                if (node.Platforms.Count > 0)
                {
                    json.WriteString("platforms", string.Join(',', node.Platforms));
                }

                if (node.Features.Count > 0)
                {
                    json.WriteStartObject("features");
                    foreach (var (key, value) in node.Features)
                    {
                        json.WriteBoolean(key, value);
                    }

                    json.WriteEndObject();
                }

                if (node.Labels.Count > 0)
                {
                    json.WriteStartObject("labels");
                    foreach (var (key, value) in node.Labels)
                    {
                        json.WriteString(key, value);
                    }

                    json.WriteEndObject();
                }

                if (node.GcPolicy.Count > 0)
                {
                    json.WriteStartArray("gcPolicy");
                    foreach (var rule in node.GcPolicy)
                    {
                        json.WriteStartObject();
                        json.WriteBoolean("all", rule.All);
                        if (rule.Filters.Count > 0)
                        {
                            json.WriteStartArray("filter");
                            foreach (var filter in rule.Filters)
                            {
                                json.WriteStringValue(filter);
                            }

                            json.WriteEndArray();
                        }

                        Optional(json, "keepDuration", rule.KeepDuration);
                        Optional(json, "keepBytes", rule.KeepBytes);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}
