using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Hosts.Tests.EntryPoints;

/// <summary>A builder inspector answering with a fixed inspect output, or failing as buildx would.</summary>
internal sealed class FakeBuilderInspector : IBuilderInspector
{
    public string Output { get; set; } = "";

    public ExternalCallException? Failure { get; set; }

    public List<string?> Inspected { get; } = [];

    public Task<BuilderInspection> InspectAsync(string? name, CancellationToken cancellationToken)
    {
        Inspected.Add(name);
        return Failure is null ? Task.FromResult(BuildxInspectParser.Parse(Output)) : Task.FromException<BuilderInspection>(Failure);
    }
}
