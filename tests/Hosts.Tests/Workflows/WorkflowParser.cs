using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Hosts.Tests.Node;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Workflows;

/// <summary>
/// Runs GitHub's own workflow parser (@actions/workflow-parser, through tests/node/parse-workflows.mjs) over the
/// repository's workflow files, once per test run, and hands out what it read.
/// </summary>
internal static class WorkflowParser
{
    /// <summary>The workflow files this repository must have: CI, releases, dogfood.</summary>
    public static readonly string[] Expected = ["ci.yml", "release.yml", "dogfood.yml"];

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    // Parsed once per test run (node and tsx take a second to start); tests run in parallel, so the first one in parses.
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static IReadOnlyList<ParsedWorkflow>? _parsed;

    public static string Directory => Path.Combine(Checkout.Root, ".github", "workflows");

    /// <summary>Every workflow file in .github/workflows, parsed; skips or fails (see <see cref="NodeTools"/>) without the parser.</summary>
    public static async Task<IReadOnlyList<ParsedWorkflow>> AllAsync()
    {
        NodeTools.Require("@actions/workflow-parser", "tsx");
        await Once.WaitAsync();
        try
        {
            return _parsed ??= await ParseAllAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    public static async Task<ParsedWorkflow> ParseAsync(string file) => Assert.Single(await AllAsync(), w => w.File == file);

    /// <summary>The file's own lines, for what the parser does not keep (comments).</summary>
    public static string[] Lines(string file) => File.ReadAllLines(Path.Combine(Directory, file));

    private static async Task<IReadOnlyList<ParsedWorkflow>> ParseAllAsync()
    {
        var files = System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var node = NodeTools.Require("@actions/workflow-parser", "tsx");
        var result = await CliProcess.RunAsync([node, "--import", "tsx", "parse-workflows.mjs", .. files], environment: null, workingDirectory: NodeTools.Directory, CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"parse-workflows.mjs failed: {result}");
        return JsonSerializer.Deserialize<List<ParsedWorkflow>>(result.Output, Options)
            ?? throw new InvalidOperationException($"parse-workflows.mjs printed no JSON: {result}");
    }
}
