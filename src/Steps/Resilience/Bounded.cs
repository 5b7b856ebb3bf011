using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// One attempt of an external call under a deadline of the caller's own. Adapters bound their calls too, but post
/// must end whatever an adapter does: a call that outlives the deadline is a <see cref="ExternalErrorKind.Timeout"/>,
/// handled like any other failure, instead of a post step that hangs until the CI's step timeout kills it and
/// leaves the disk exposed.
/// </summary>
internal static class Bounded
{
    public static Task<T> RunAsync<T>(
        string operation,
        Func<CancellationToken, Task<T>> attempt,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        CallPipeline.RunAsync(operation, attempt, deadline, retry: null, time, cancellationToken);

    public static Task RunAsync(
        string operation,
        Func<CancellationToken, Task> attempt,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        RunAsync<bool>(operation, async ct =>
        {
            await attempt(ct);
            return true;
        }, deadline, time, cancellationToken);
}
