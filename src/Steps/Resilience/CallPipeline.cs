using System.Runtime.CompilerServices;
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
    // What one call gives its pipeline: the pipelines are built once per clock and shape, and read these per call.
    private static readonly ResiliencePropertyKey<TimeSpan> Deadline = new("blacksmith.deadline");
    private static readonly ResiliencePropertyKey<TimeSpan> AttemptDeadline = new("blacksmith.attempt-deadline");
    private static readonly ResiliencePropertyKey<CallRetry> Retry = new("blacksmith.retry");
    private static readonly ResiliencePropertyKey<long> Started = new("blacksmith.started");
    private static readonly ResiliencePropertyKey<TimeSpan> PollInterval = new("blacksmith.poll-interval");
    private static readonly ResiliencePropertyKey<TimeSpan> PollBudget = new("blacksmith.poll-budget");

    // A pipeline is immutable but bound to the TimeProvider it was built with, so the cache is keyed on the clock
    // (and let go with it): a step's calls share one clock's pipelines, and a replay's virtual clock gets its own.
    private static readonly ConditionalWeakTable<TimeProvider, Pipelines> Cache = [];

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

        var pipeline = Cache.GetValue(time, static t => new Pipelines(t)).Call(deadline is not null, retry is not null, attemptDeadline is not null);
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
        context.Properties.Set(Started, time.GetTimestamp());
        if (deadline is { } overall)
        {
            context.Properties.Set(Deadline, overall);
        }

        if (retry is not null)
        {
            context.Properties.Set(Retry, retry);
        }

        if (attemptDeadline is { } each)
        {
            context.Properties.Set(AttemptDeadline, each);
        }

        try
        {
            return await ExecuteAsync(pipeline, attempt, context);
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
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
        context.Properties.Set(Started, time.GetTimestamp());
        context.Properties.Set(PollInterval, interval);
        context.Properties.Set(PollBudget, budget);
        return await ExecuteAsync(Cache.GetValue(time, static t => new Pipelines(t)).Poll, probe, context);
    }

    /// <summary>
    /// Runs the pipeline on the caller's synchronization context (the context was taken with it): Polly leaves it by
    /// default, and a replay runs each host on one thread whose virtual clock moves only once the host has nothing
    /// left to run (VirtualTimeLoop).
    /// </summary>
    private static async Task<T> ExecuteAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> call, ResilienceContext context)
    {
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

    /// <summary>One clock's pipelines: a call's, for each combination of its three optional parts, and the poll's.</summary>
    /// <param name="time">The clock every strategy of these pipelines waits on.</param>
    /// <param name="newBuilder">
    /// Makes each pipeline's builder; by default one that skips Polly's reflective check of constant options
    /// (<see cref="UnvalidatedPipelineBuilder"/>), and in a test Polly's own, which checks them.
    /// </param>
    internal sealed class Pipelines(TimeProvider time, Func<TimeProvider, ResiliencePipelineBuilder>? newBuilder = null)
    {
        private readonly ResiliencePipeline?[] _calls = new ResiliencePipeline?[8];
        private ResiliencePipeline? _poll;

        public ResiliencePipeline Poll => _poll ??= BuildPoll();

        public ResiliencePipeline Call(bool deadline, bool retry, bool attemptDeadline)
        {
            var index = (deadline ? 1 : 0) | (retry ? 2 : 0) | (attemptDeadline ? 4 : 0);
            // Two threads may build the same pipeline at once; either is as good as the other.
            return _calls[index] ??= BuildCall(deadline, retry, attemptDeadline);
        }

        private ResiliencePipelineBuilder NewBuilder() => (newBuilder ?? UnvalidatedPipelineBuilder.Create)(time);

        private ResiliencePipeline BuildCall(bool deadline, bool retry, bool attemptDeadline)
        {
            var builder = NewBuilder();
            if (deadline)
            {
                builder.AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(Deadline, default)) });
            }

            if (retry)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    // The call's rule bounds the attempts; the strategy itself would go on.
                    MaxRetryAttempts = int.MaxValue,
                    UseJitter = false,
                    // Retry only what the rule calls transient, and never into a delay that would end past the deadline:
                    // the last failure then speaks for itself instead of a timeout that says less.
                    ShouldHandle = args =>
                    {
                        var rule = args.Context.Properties.GetValue(Retry, null!);
                        return ValueTask.FromResult(
                            args.AttemptNumber < rule.MaxAttempts - 1
                            && args.Outcome.Exception is ExternalCallException ex
                            && rule.Retryable(ex)
                            && (!args.Context.Properties.TryGetValue(Deadline, out var overall)
                                || time.GetElapsedTime(args.Context.Properties.GetValue(Started, 0L)) + rule.DelayBefore(args.AttemptNumber + 1) < overall));
                    },
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(Retry, null!).DelayBefore(args.AttemptNumber + 1)),
                });
            }

            if (attemptDeadline)
            {
                builder.AddTimeout(new TimeoutStrategyOptions { TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptDeadline, default)) });
            }

            return builder.Build();
        }

        private ResiliencePipeline BuildPoll() =>
            NewBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    UseJitter = false,
                    BackoffType = DelayBackoffType.Constant,
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome is { Exception: null, Result: false }
                        && time.GetElapsedTime(args.Context.Properties.GetValue(Started, 0L)) + args.Context.Properties.GetValue(PollInterval, default)
                            <= args.Context.Properties.GetValue(PollBudget, default)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(PollInterval, default)),
                })
                .Build();
    }
}
