using Blacksmith.Orchestration.Ports;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// The one mechanism that bounds and retries an external call in Steps: a Polly pipeline on the step's own
/// <see cref="TimeProvider"/> (an overall deadline outside, retries inside, each attempt's own deadline innermost), so
/// that <see cref="Bounded"/>, <see cref="TransientRetry"/> and the unmount's retries share one implementation and one
/// meaning of "timed out". A deadline that runs out is an <see cref="ExternalErrorKind.Timeout"/> naming the
/// operation; the caller's own cancellation stays a cancellation.
/// </summary>
internal static class CallPipeline
{
    public static async Task<T> RunAsync<T>(
        string operation,
        Func<CancellationToken, Task<T>> attempt,
        TimeSpan? deadline,
        CallRetry? retry,
        TimeProvider time,
        CancellationToken cancellationToken,
        TimeSpan? attemptDeadline = null)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        if (deadline is { } spent && spent <= TimeSpan.Zero)
        {
            // Nothing is left of the caller's time: the call is not even sent.
            throw Timeout(operation, spent);
        }

        var started = time.GetTimestamp();
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (deadline is { } overall)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(overall) });
        }

        if (retry is not null)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxAttempts - 1,
                UseJitter = false,
                // Retry only what the rule calls transient, and never into a delay that would end past the deadline:
                // the last failure then speaks for itself instead of a timeout that says less.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ExternalCallException ex
                    && retry.Retryable(ex)
                    && (deadline is null || time.GetElapsedTime(started) + retry.DelayBefore(args.AttemptNumber + 1) < deadline)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retry.DelayBefore(args.AttemptNumber + 1)),
            });
        }

        if (attemptDeadline is { } each)
        {
            builder.AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = _ => ValueTask.FromResult(each) });
        }

        var pipeline = builder.Build();
        try
        {
            return await ExecuteAsync(pipeline, attempt, cancellationToken);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Timeout(operation, ex.Timeout);
        }
    }

    /// <summary>
    /// Asks <paramref name="probe"/> until it answers true, every <paramref name="interval"/>, and answers false once
    /// another wait would end past <paramref name="budget"/>. A probe's failure is not retried: it ends the poll.
    /// </summary>
    public static async Task<bool> PollAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan interval, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                UseJitter = false,
                Delay = interval,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome is { Exception: null, Result: false } && time.GetElapsedTime(started) + interval <= budget),
            })
            .Build();
        return await ExecuteAsync(pipeline, probe, cancellationToken);
    }

    /// <summary>
    /// Runs the pipeline on the caller's synchronization context: Polly leaves it by default, and a replay runs each host
    /// on one thread whose virtual clock moves only once the host has nothing left to run (VirtualTimeLoop).
    /// </summary>
    private static async Task<T> ExecuteAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, call) => await call(context.CancellationToken), context, call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ExternalCallException Timeout(string operation, TimeSpan deadline) =>
        new(operation, ExternalErrorKind.Timeout, $"no answer within {Math.Max(0, deadline.TotalSeconds):0.#} s");
}
