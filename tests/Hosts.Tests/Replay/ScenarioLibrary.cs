namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// The scenario files of tests/scenarios, copied next to the tests, and the schema they follow. Besides scenario
/// files (*.json) the library holds recorded journals (*.jsonl): their own records are their expectations.
/// </summary>
internal static class ScenarioLibrary
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "scenarios");

    public static string SchemaPath { get; } = Path.Combine(AppContext.BaseDirectory, "replay.schema.json");

    public static IReadOnlyList<string> Files { get; } =
        [.. System.IO.Directory.EnumerateFiles(Directory, "*.json*").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The scenario files proper (not the recorded journals), which follow the schema.</summary>
    public static IReadOnlyList<string> ScenarioFiles { get; } = [.. Files.Where(f => f.EndsWith(".json", StringComparison.Ordinal))];

    public static string PathOf(string file) => Path.Combine(Directory, file);
}
