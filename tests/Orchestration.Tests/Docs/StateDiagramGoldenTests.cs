using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing;

namespace Blacksmith.Orchestration.Tests.Docs;

/// <summary>
/// docs/state-diagram.md embeds the Mermaid diagram generated from the machine; it must be exactly what the machine
/// generates now. With BLACKSMITH_UPDATE_GOLDEN=1 the test rewrites the block instead of failing.
/// </summary>
public sealed class StateDiagramGoldenTests
{
    private const string UpdateVariable = "BLACKSMITH_UPDATE_GOLDEN";
    private const string Opening = "```mermaid";
    private const string Closing = "```";
    private const string HowToGenerate = $"{UpdateVariable}=1 dotnet test --project tests/Orchestration.Tests";

    [Fact]
    public async Task The_state_diagram_document_embeds_the_diagram_the_machine_generates()
    {
        var ct = TestContext.Current.CancellationToken;
        var update = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
        var path = Path.Combine(RepositoryRoot(), "docs", "state-diagram.md");
        var generated = Normalize(LifecycleMachine.MermaidDiagram());
        Assert.StartsWith("stateDiagram", generated, StringComparison.Ordinal);

        if (!File.Exists(path))
        {
            Assert.True(update, $"{path} does not exist yet. Generate it with: {HowToGenerate}");
            await File.WriteAllTextAsync(path, $"# The builder lifecycle\n\nGenerated from LifecycleMachine; do not edit the block by hand.\n\n{Opening}\n{generated}\n{Closing}\n", ct);
            return;
        }

        var lines = Normalize(await File.ReadAllTextAsync(path, ct)).Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == Opening);
        var end = start < 0 ? -1 : lines.FindIndex(start + 1, l => l.TrimEnd() == Closing);
        if (start < 0 || end < 0)
        {
            Assert.True(update, $"{path} has no {Opening} ... {Closing} block. Add one with: {HowToGenerate}");
            lines.AddRange([string.Empty, Opening, generated, Closing]);
            await File.WriteAllTextAsync(path, string.Join('\n', lines).TrimEnd('\n') + "\n", ct);
            return;
        }

        var embedded = string.Join('\n', lines.Skip(start + 1).Take(end - start - 1));
        if (embedded == generated)
        {
            return;
        }

        Assert.True(
            update,
            $"{path} embeds a diagram that differs from LifecycleMachine.MermaidDiagram(). Regenerate it with: {HowToGenerate}\n"
            + $"--- generated ---\n{generated}\n--- embedded ---\n{embedded}");
        lines.RemoveRange(start + 1, end - start - 1);
        lines.Insert(start + 1, generated);
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n", ct);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    private static string RepositoryRoot() => Checkout.Root;
}
