namespace Blacksmith.Hosts.Tests.Workflows;

/// <summary>A step in GitHub's workflow model: <c>uses</c> or <c>run</c>, its (possibly generated) id, name and condition.</summary>
internal sealed record ParsedStep(string Id, string? Name, string? Uses, string? Run, string? If);
