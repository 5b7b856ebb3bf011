namespace Blacksmith.Orchestration.Ports;

/// <summary>One build-check warning from the build's metadata (<c>buildx.build.warnings</c>), decoded.</summary>
/// <param name="Rule">The check's name, e.g. <c>ConsistentInstructionCasing</c>, when the message starts with one.</param>
/// <param name="Message">The short message without its " (line N)" suffix, as upstream annotates it.</param>
/// <param name="Detail">The detail lines joined with spaces (upstream's annotation title), when present.</param>
/// <param name="Url">Where the rule is documented, when present.</param>
/// <param name="File">The Dockerfile the warning is about, when present.</param>
/// <param name="Line">The first line of the first range, when present.</param>
public sealed record BuildCheckWarning(string? Rule, string Message, string? Detail, string? Url, string? File, int? Line);
