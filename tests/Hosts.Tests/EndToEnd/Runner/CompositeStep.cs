namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>A composite action's one bash step: its script, and its environment with the <c>${{ inputs.* }}</c> expressions unevaluated.</summary>
internal sealed record CompositeStep(string Script, IReadOnlyDictionary<string, string> Environment);
