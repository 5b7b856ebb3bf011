namespace Blacksmith.Replay;

/// <summary>How one host (or foreign step) of the job ended.</summary>
/// <param name="Index">1-based position in the job.</param>
/// <param name="Kind"><c>setup</c>, <c>build</c>, <c>post</c> or <c>foreign</c>.</param>
/// <param name="Session">Its session (a foreign step's name).</param>
/// <param name="End">How it ended.</param>
/// <param name="Detail">Where it was killed, why it was refused, what it crashed on.</param>
public sealed record ReplayHost(int Index, string Kind, string Session, HostEnd End, string? Detail = null);
