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
    }

    /// <summary>What was attempted, e.g. <c>stickydisk.expose</c>.</summary>
    public string Operation { get; }

    public ExternalErrorKind Kind { get; }

    /// <summary>
    /// Whether trying again may help (the step decides whether and when): the other side was unavailable and did
    /// nothing. An <see cref="ExternalErrorKind.Interrupted"/> call may have done its work, so it is not transient.
    /// </summary>
    public bool IsTransient => Kind is ExternalErrorKind.Unavailable;
}
