using System.Text.Json;

namespace Blacksmith.Hosts.Tests.Workflows;

/// <summary>One workflow file as GitHub's workflow parser read it (tests/node/parse-workflows.mjs).</summary>
/// <param name="File">The file's name.</param>
/// <param name="Errors">What the parser and the conversion to GitHub's workflow model reported; empty for a valid file.</param>
/// <param name="Document">The file's content as the parser read it: mappings, sequences, literals, expressions as their source.</param>
/// <param name="Jobs">GitHub's model of its jobs, with defaults filled in (a step's <c>if</c>, generated step ids).</param>
internal sealed record ParsedWorkflow(string File, IReadOnlyList<string> Errors, JsonElement Document, IReadOnlyList<ParsedJob> Jobs)
{
    public ParsedJob Job(string id) => Assert.Single(Jobs, j => j.Id == id);

    /// <summary>The document's value at <paramref name="path"/> (mapping keys, or sequence indexes as numbers).</summary>
    public JsonElement At(params object[] path)
    {
        var node = Document;
        foreach (var step in path)
        {
            node = step switch
            {
                int index => node[index],
                string key when node.ValueKind == JsonValueKind.Object && node.TryGetProperty(key, out var value) => value,
                _ => throw new KeyNotFoundException($"{File} has no {string.Join('.', path)} (stopped at {step})"),
            };
        }

        return node;
    }

    public bool Has(params object[] path)
    {
        try
        {
            _ = At(path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }
}
