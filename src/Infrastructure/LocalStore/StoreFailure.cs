using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>Turns what the filesystem reports into the port's errors, naming a full disk as such.</summary>
internal static class StoreFailure
{
    /// <summary>ENOSPC; .NET reports the errno as an <see cref="IOException"/>'s HResult on Linux.</summary>
    public const int NoSpaceErrno = 28;

    private const int QuotaErrno = 122;

    public static bool IsDiskFull(Exception exception) =>
        exception is IOException { HResult: NoSpaceErrno or QuotaErrno };

    /// <summary>
    /// The error for <paramref name="exception"/>, raised while doing <paramref name="what"/>; an
    /// <see cref="ExternalCallException"/> passes through unchanged.
    /// </summary>
    public static ExternalCallException From(Exception exception, string operation, string dataDirectory, string what)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is ExternalCallException external)
        {
            return external;
        }

        if (IsDiskFull(exception))
        {
            return new ExternalCallException(
                operation,
                ExternalErrorKind.Failed,
                $"the filesystem of the data directory {dataDirectory} is full: {what} failed ({exception.Message}). Every committed generation is "
                + "intact; free space with `blacksmith store gc` or `store rm`, set a lower size cap, or move the data directory",
                exception);
        }

        return new ExternalCallException(operation, ExternalErrorKind.Failed, $"{what} failed in {dataDirectory}: {exception.Message}", exception);
    }
}
