using System.Text.Json;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// One attempt of one external action, as the journal keeps it: enough for a replay to answer the same call
/// the same way. Arguments are redacted before they get here.
/// </summary>
/// <param name="Port">The port called (e.g. <c>stickydisk</c>).</param>
/// <param name="Method">The port method (e.g. <c>expose</c>).</param>
/// <param name="Arguments">The call's arguments in text form, secrets removed.</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="DurationMs">How long the attempt took.</param>
/// <param name="Result">The returned value as JSON, when it succeeded and has one.</param>
/// <param name="ErrorKind">A stable error category when it failed (e.g. <c>unavailable</c>).</param>
/// <param name="Message">The error message when it failed, as the user saw it.</param>
/// <param name="Failure">
/// An external failure as data (which call, how, in what words, a tool's exit code): what a replay answers the call
/// with. Null for a success, a cancellation or a bug, and in journals written before it was recorded.
/// </param>
public sealed record EffectRecord(
    string Port,
    string Method,
    IReadOnlyDictionary<string, string> Arguments,
    EffectOutcome Outcome,
    long DurationMs,
    JsonElement? Result = null,
    string? ErrorKind = null,
    string? Message = null,
    CallFailure? Failure = null);
