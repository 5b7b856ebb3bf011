using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Replay;

/// <summary>One port call of a replayed job, as its effect record was journaled.</summary>
/// <param name="Sequence">The record's sequence number; 0 for a call of the sweep, which is not journaled (<see cref="ReplayLeftover.Calls"/>).</param>
/// <param name="AtMs">Virtual milliseconds since the job started.</param>
/// <param name="Session">The session it was made for.</param>
/// <param name="Call"><c>port.method</c>.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="DurationMs">How long it took (virtual time).</param>
/// <param name="Detail">The returned value, or the error kind and message.</param>
public sealed record ReplayEffect(long Sequence, long AtMs, string Session, string Call, EffectOutcome Outcome, long DurationMs, string? Detail);
