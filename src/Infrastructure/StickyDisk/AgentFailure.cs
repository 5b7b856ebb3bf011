using Blacksmith.Orchestration.Ports;
using Grpc.Core;

namespace Blacksmith.Infrastructure.StickyDisk;

/// <summary>Turns a failed agent call into the exception the steps understand.</summary>
internal static class AgentFailure
{
    private const string Redacted = "[redacted]";

    /// <summary>
    /// Grpc.Net.Client reports Unavailable for an agent that says so, for a connection that could not be made, for
    /// one that broke after the call was sent, and for HTTP 429, 502, 503 and 504 from a proxy. A status answered by
    /// the agent or a proxy stays Unavailable (transient), as does a connection that could not be made; a connection
    /// that broke after the call was sent is Interrupted: the agent may have done the work. A deadline is a timeout,
    /// never transient: the agent may have done half the work. The caller's own cancellation stays cancellation.
    /// </summary>
    public static Exception From(string operation, RpcException error, AgentOptions options, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"{operation}: cancelled by the caller", Safe(error, options.Token), cancellationToken);
        }

        var detail = string.IsNullOrWhiteSpace(error.Status.Detail) ? string.Empty : $" ({Redact(error.Status.Detail, options.Token)})";
        var (kind, message) = error.StatusCode switch
        {
            StatusCode.Unavailable when MayHaveReachedTheAgent(error.Status) =>
                (ExternalErrorKind.Interrupted, $"the connection to the agent at {options.Address} broke after the call was sent, so the agent may have carried it out{detail}"),
            StatusCode.Unavailable => (ExternalErrorKind.Unavailable, $"the agent at {options.Address} is unavailable{detail}"),
            StatusCode.DeadlineExceeded when timeout is { } own => (ExternalErrorKind.Timeout, $"the agent at {options.Address} did not answer within {own.TotalSeconds:0.###} s{detail}"),
            StatusCode.DeadlineExceeded => (ExternalErrorKind.Timeout, $"the agent at {options.Address} ran out of its own time for the call{detail}"),
            _ => (ExternalErrorKind.Failed, $"the agent at {options.Address} failed the call with {error.StatusCode}{detail}"),
        };

        return new ExternalCallException(operation, kind, message, Safe(error, options.Token));
    }

    private static bool MayHaveReachedTheAgent(Status status)
    {
        if (status.DebugException is null)
        {
            // An answer with a status: from the agent itself, which did nothing, or a proxy's 429/502/503/504, which
            // the agent's contract counts as transient (a gateway answers them for an upstream that is not there).
            return false;
        }

        for (var inner = status.DebugException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }:
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable }:
                    return false;
            }
        }

        return true;
    }

    // The agent or a proxy may echo the request into an error; the token must not ride along into a log.
    private static string Redact(string text, string token) =>
        token.Length == 0 ? text : text.Replace(token, Redacted, StringComparison.Ordinal);

    // An exception's message cannot be rewritten, so an inner exception that mentions the token is left off.
    private static RpcException? Safe(RpcException error, string token) =>
        token.Length > 0 && error.ToString().Contains(token, StringComparison.Ordinal) ? null : error;
}
