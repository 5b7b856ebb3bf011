using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Steps.Tests.Resilience;

/// <summary>The one way Steps bounds and retries a call, seen through its two entry points.</summary>
public sealed class CallRetryTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-250)]
    public async Task A_call_with_no_time_left_is_not_sent_and_times_out(int milliseconds)
    {
        var sent = 0;

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => TransientRetry.RunAsync("stickydisk.expose", _ =>
        {
            sent++;
            return Task.FromResult(true);
        }, TimeSpan.FromMilliseconds(milliseconds), new VirtualTime(DateTimeOffset.UnixEpoch), Token));

        Assert.Equal(0, sent);
        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.Equal("stickydisk.expose", error.Operation);
    }

    [Fact]
    public async Task An_unavailable_store_is_retried_with_a_doubling_delay_until_the_next_delay_would_pass_the_deadline()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var sentAt = new List<TimeSpan>();
        var start = time.GetTimestamp();

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => time.RunAsync(() => TransientRetry.RunAsync<bool>("stickydisk.up", _ =>
        {
            sentAt.Add(time.GetElapsedTime(start));
            throw new ExternalCallException("stickydisk.up", ExternalErrorKind.Unavailable, "connection refused");
        }, TimeSpan.FromSeconds(10), time, Token)));

        // 200, 400, 800, 1600, 3200 ms between attempts: the next (4 s, the cap) would end past 10 s.
        Assert.Equal([0, 200, 600, 1400, 3000, 6200], sentAt.Select(t => (int)t.TotalMilliseconds));
        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task A_call_that_outlives_its_deadline_is_a_timeout_and_the_callers_cancellation_stays_a_cancellation()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var timedOut = Bounded.RunAsync("earliersteps.check", ct => Task.Delay(Timeout.Infinite, ct), TimeSpan.FromSeconds(60), time, Token);
        time.Advance(TimeSpan.FromSeconds(60));
        var cancelled = Bounded.RunAsync("earliersteps.check", ct => Task.Delay(Timeout.Infinite, ct), TimeSpan.FromSeconds(60), time, caller.Token);
        await caller.CancelAsync();

        Assert.Equal(ExternalErrorKind.Timeout, (await Assert.ThrowsAsync<ExternalCallException>(() => timedOut)).Kind);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
