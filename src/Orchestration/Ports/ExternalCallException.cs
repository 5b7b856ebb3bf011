namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// One attempt of an external action failed in a way the caller can name (a refused call, a bad reply, a tool
/// that exited non-zero, a timeout). Adapters throw it; steps turn it into an event, never into a crash.
/// </summary>
public sealed class ExternalCallException : Exception
{
    public ExternalCallException(string operation, ExternalErrorKind kind, string message, Exception? inner = null)
        : base($"{operation}: {message}", inner)
    {
        Operation = operation;
        Kind = kind;
        Detail = message;
    }

    /// <summary>The failure <paramref name="failure"/> describes, as the adapter threw it (a replay throws it again).</summary>
    internal ExternalCallException(CallFailure failure, Exception? inner = null)
        : this((failure ?? throw new ArgumentNullException(nameof(failure))).Operation, failure.Kind, failure.Message, inner)
    {
        ExitCode = failure.ExitCode;
    }

    /// <summary>What was attempted, e.g. <c>stickydisk.expose</c>.</summary>
    public string Operation { get; }

    public ExternalErrorKind Kind { get; }

    /// <summary>What went wrong, without the operation (<see cref="Exception.Message"/> is both, for people).</summary>
    public string Detail { get; }

    /// <summary>The exit code of a tool that exited non-zero, when the failure was one.</summary>
    public int? ExitCode { get; init; }

    /// <summary>This failure as the data the journal keeps.</summary>
    public CallFailure Failure => new(Operation, Kind, Detail, ExitCode);

    /// <summary>
    /// Whether trying again may help (the step decides whether and when): the other side was unavailable and did
    /// nothing. An <see cref="ExternalErrorKind.Interrupted"/> call may have done its work, so it is not transient.
    /// </summary>
    public bool IsTransient => Kind is ExternalErrorKind.Unavailable;
}
