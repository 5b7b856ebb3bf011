using System.Text.Json;

namespace Blacksmith.Hosts.Tests.Workflows;

/// <summary>A job in GitHub's workflow model: its id, <c>runs-on</c> (a string, a list or an expression), needs and steps.</summary>
internal sealed record ParsedJob(string Id, JsonElement RunsOn, IReadOnlyList<string> Needs, IReadOnlyList<ParsedStep> Steps);
