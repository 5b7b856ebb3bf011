using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// Retries one external action while it fails in a clearly transient way (unavailable), with a doubling backoff,
/// inside one overall deadline, through <see cref="CallPipeline"/> like every retried call. Timeouts and other failures
/// are not retried: a timed-out call may have half-done its work (an agent that half-exposed a disk), and a refusal will not change its mind. A call whose connection
/// broke after it was sent (<see cref="ExternalErrorKind.Interrupted"/>) is retried only when it is
/// <see cref="Repeat.Idempotent"/>.
/// </summary>
internal static class TransientRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(4);

    public static Task<T> RunAsync<T>(
        string operation,
        Func<CancellationToken, Task<T>> attempt,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken,
        Repeat repeat = Repeat.OnlyWhenNotSent) =>
        CallPipeline.RunAsync(operation, attempt, deadline, Rule(repeat), time, cancellationToken);

    public static Task RunAsync(
        string operation,
        Func<CancellationToken, Task> attempt,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken,
        Repeat repeat = Repeat.OnlyWhenNotSent) =>
        RunAsync<bool>(operation, async ct =>
        {
            await attempt(ct);
            return true;
        }, deadline, time, cancellationToken, repeat);

    private static CallRetry Rule(Repeat repeat) => repeat == Repeat.Idempotent ? RetryIdempotent : RetryNotSent;

    // Unbounded in count: the deadline ends the retries.
    private static readonly CallRetry RetryNotSent = new(ex => ex.IsTransient, int.MaxValue, FirstDelay, MaxDelay);

    private static readonly CallRetry RetryIdempotent = new(ex => ex.IsTransient || ex.Kind == ExternalErrorKind.Interrupted, int.MaxValue, FirstDelay, MaxDelay);
}
