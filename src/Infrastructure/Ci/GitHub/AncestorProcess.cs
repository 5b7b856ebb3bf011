namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>What the search for the runner's Worker needs to know of a process.</summary>
/// <param name="ParentPid">Its parent.</param>
/// <param name="Executable">The target of <c>/proc/&lt;pid&gt;/exe</c>, when readable.</param>
/// <param name="CommandLine">Its arguments, the program first.</param>
internal sealed record AncestorProcess(int ParentPid, string? Executable, IReadOnlyList<string> CommandLine);
