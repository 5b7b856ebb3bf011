using Blacksmith.Orchestration.Ports;
using Grpc.Core;

namespace Blacksmith.Infrastructure.StickyDisk;

/// <summary>Turns a failed agent call into the exception the steps understand.</summary>
internal static class AgentFailure
{
    private const string Redacted = "[redacted]";

    /// <summary>
    /// Unavailable (which Grpc.Net.Client also reports for a refused or dropped connection and for HTTP 429, 502,
    /// 503 and 504 from a proxy) is the only transient kind. A deadline is a timeout, never transient: the agent may
    /// have done half the work. The caller's own cancellation stays cancellation.
    /// </summary>
    public static Exception From(string operation, RpcException error, AgentOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"{operation}: cancelled by the caller", Safe(error, options.Token), cancellationToken);
        }

        var detail = string.IsNullOrWhiteSpace(error.Status.Detail) ? string.Empty : $" ({Redact(error.Status.Detail, options.Token)})";
        var (kind, message) = error.StatusCode switch
        {
            StatusCode.Unavailable => (ExternalErrorKind.Unavailable, $"the agent at {options.Address} is unavailable{detail}"),
            StatusCode.DeadlineExceeded => (ExternalErrorKind.Timeout, $"the agent at {options.Address} did not answer within {timeout.TotalSeconds:0.###} s{detail}"),
            _ => (ExternalErrorKind.Failed, $"the agent at {options.Address} failed the call with {error.StatusCode}{detail}"),
        };

        return new ExternalCallException(operation, kind, message, Safe(error, options.Token));
    }

    // The agent or a proxy may echo the request into an error; the token must not ride along into a log.
    private static string Redact(string text, string token) =>
        token.Length == 0 ? text : text.Replace(token, Redacted, StringComparison.Ordinal);

    // An exception's message cannot be rewritten, so an inner exception that mentions the token is left off.
    private static RpcException? Safe(RpcException error, string token) =>
        token.Length > 0 && error.ToString().Contains(token, StringComparison.Ordinal) ? null : error;
}
