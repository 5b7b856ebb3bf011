using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// Retries one external action while it fails in a clearly transient way (unavailable), with a doubling backoff,
/// inside one overall deadline. Timeouts and other failures are not retried: a timed-out call may have half-done
/// its work (an agent that half-exposed a disk), and a refusal will not change its mind. A call whose connection
/// broke after it was sent (<see cref="ExternalErrorKind.Interrupted"/>) is retried only when it is
/// <see cref="Repeat.Idempotent"/>.
/// </summary>
public static class TransientRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(4);

    public static async Task<T> RunAsync<T>(
        string operation,
        Func<CancellationToken, Task<T>> attempt,
        TimeSpan deadline,
        TimeProvider time,
        CancellationToken cancellationToken,
        Repeat repeat = Repeat.OnlyWhenNotSent)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        using var overall = new CancellationTokenSource(deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overall.Token);
        var delay = FirstDelay;
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return await attempt(linked.Token);
            }
            catch (OperationCanceledException) when (overall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Timeout, $"no answer within {deadline.TotalSeconds:0.#} s");
            }
            catch (ExternalCallException ex) when (Retryable(ex, repeat) && time.GetElapsedTime(started) + delay < deadline)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
            }
        }
    }

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

    private static bool Retryable(ExternalCallException ex, Repeat repeat) =>
        ex.IsTransient || (repeat == Repeat.Idempotent && ex.Kind == ExternalErrorKind.Interrupted);
}
