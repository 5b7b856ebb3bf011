namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// A failed external call as data, so that what reads a journal back (a replay, a report) never takes a message
/// apart: a message may be reworded at any time, these fields may not.
/// </summary>
/// <param name="Operation">What was attempted, as the adapter names it (<c>stickydisk.expose</c>, <c>buildx.create</c>).</param>
/// <param name="Kind">How it failed.</param>
/// <param name="Message">What went wrong in the adapter's own words, without the operation.</param>
/// <param name="ExitCode">The exit code of a tool that exited non-zero; null when no tool exited (a refusal, a timeout).</param>
public sealed record CallFailure(string Operation, ExternalErrorKind Kind, string Message, int? ExitCode = null);
