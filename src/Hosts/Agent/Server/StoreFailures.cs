using Blacksmith.Orchestration.Ports;
using Grpc.Core;

namespace Blacksmith.Agent.Server;

/// <summary>
/// Turns the store's failures into gRPC statuses a client can act on. The engine's client only tells Unavailable
/// (worth a retry) and DeadlineExceeded apart, and shows every other code with its detail, so the detail is the
/// store's own message: it names the key, the exposure and what to do.
/// </summary>
internal static class StoreFailures
{
    private const int NoSpaceErrno = 28;
    private const int QuotaErrno = 122;

    // The store reports a bad key or expose id as a plain failure; its messages are the only way to tell them apart
    // (CacheKeyName and StoreLayout are internal to Infrastructure). A test pins these against the store.
    private const string BadKey = "cache key ";
    private const string NotValid = " is not valid: ";
    private const string BadExposeId = "is not an expose id this store hands out";

    public static RpcException From(ExternalCallException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var code = failure.Kind switch
        {
            ExternalErrorKind.Unavailable => StatusCode.Unavailable,
            ExternalErrorKind.Timeout => StatusCode.DeadlineExceeded,
            ExternalErrorKind.Missing => StatusCode.FailedPrecondition,
            ExternalErrorKind.BadReply => StatusCode.Internal,
            _ when IsBadArgument(failure.Message) => StatusCode.InvalidArgument,
            _ when failure.InnerException is IOException { HResult: NoSpaceErrno or QuotaErrno } => StatusCode.ResourceExhausted,
            _ => StatusCode.FailedPrecondition,
        };
        return new RpcException(new Status(code, failure.Message));
    }

    private static bool IsBadArgument(string message) =>
        (message.Contains(BadKey, StringComparison.Ordinal) && message.Contains(NotValid, StringComparison.Ordinal))
        || message.Contains(BadExposeId, StringComparison.Ordinal);
}
