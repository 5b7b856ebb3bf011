using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Blacksmith.Replay;
using Blacksmith.Hosts.Tests.Actions;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// docs/replay.schema.json names the calls a scenario may script in three places (the keyed world, a strict world's
/// <c>call</c>, the machine's world), and <see cref="PortCalls"/> is where those calls are defined: each place lists
/// exactly the catalog's, and a failure names what is missing and what is extra. With BLACKSMITH_UPDATE_GOLDEN=1 the
/// test writes the lists instead of failing.
/// </summary>
public sealed class ReplaySchemaTests
{
    private const string UpdateVariable = "BLACKSMITH_UPDATE_GOLDEN";

    private static readonly JsonSerializerOptions Written = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void The_schema_names_exactly_the_calls_the_catalog_lets_a_scenario_script()
    {
        var path = Path.Combine(LauncherHarness.RepositoryRoot(), "docs", "replay.schema.json");
        var schema = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var places = Places(schema);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            foreach (var place in places)
            {
                place.Write(place.Expected);
            }

            File.WriteAllText(path, schema.ToJsonString(Written) + "\n");
            return;
        }

        var wrong = places.Select(Difference).Where(d => d is not null).ToList();
        Assert.True(wrong.Count == 0, $"{path} is out of step with PortCalls (run with {UpdateVariable}=1):\n{string.Join('\n', wrong)}");
    }

    [Fact]
    public void A_scenario_may_script_a_registration_as_it_is_recorded_with_the_builders_facts()
    {
        // What RecordingBuilderRegistry journals: the builder and what setup learned about it, not only its name.
        var scenario = ScenarioFile.Parse(Encoding.UTF8.GetBytes("""
            {
              "base": "healthy",
              "job": [{ "host": "setup" }],
              "world": {
                "buildx.register": [{ "value": { "name": "blacksmith-builder", "facts": { "buildxVersion": "0.19.3", "driver": "remote", "buildkitVersions": ["v0.18.2"] } } }]
              },
              "expect": {}
            }
            """), "inline.json");

        var answer = Assert.Single(scenario.World, a => a.Call == PortCalls.BuildxRegister.Name);
        Assert.Equal("remote", answer.Value!.Value.GetProperty("facts").GetProperty("driver").GetString());
    }

    private static string? Difference(Place place)
    {
        var missing = place.Expected.Except(place.Listed, StringComparer.Ordinal).ToList();
        var extra = place.Listed.Except(place.Expected, StringComparer.Ordinal).ToList();
        return missing.Count == 0 && extra.Count == 0
            ? null
            : $"{place.Pointer}: missing {Names(missing)}; not a scripted call {Names(extra)}";
    }

    private static string Names(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private static List<Place> Places(JsonObject schema)
    {
        var world = schema["properties"]!["world"]!["oneOf"]![0]!["properties"]!.AsObject();
        var call = schema["$defs"]!["sequencedAnswer"]!["properties"]!["call"]!.AsObject();
        var machine = schema["$defs"]!["machine"]!["properties"]!["world"]!["properties"]!.AsObject();
        return
        [
            new("/properties/world/oneOf/0/properties", [.. world.Select(p => p.Key)], PortCalls.Scripted, names => Keyed(world, names, "answer")),
            new("/$defs/sequencedAnswer/properties/call/enum", [.. call["enum"]!.AsArray().Select(n => n!.GetValue<string>())], PortCalls.Scripted,
                names => call["enum"] = new JsonArray([.. names.Select(n => (JsonNode)JsonValue.Create(n))])),
            new("/$defs/machine/properties/world/properties", [.. machine.Select(p => p.Key)], PortCalls.Sweep, names => Keyed(machine, names, "machineAnswer")),
        ];
    }

    private static void Keyed(JsonObject properties, IReadOnlyList<string> names, string answer)
    {
        properties.Clear();
        foreach (var name in names)
        {
            properties[name] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = $"#/$defs/{answer}" } };
        }
    }

    private sealed record Place(string Pointer, IReadOnlyList<string> Listed, IReadOnlyList<string> Expected, Action<IReadOnlyList<string>> Write);
}
