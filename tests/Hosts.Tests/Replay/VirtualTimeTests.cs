using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>The replay's clock moves only when the flow it drives waits, and fires timers in the order they are due.</summary>
public sealed class VirtualTimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_delay_completes_at_once_and_moves_the_clock_by_its_length()
    {
        var clock = new VirtualTime(Start);

        var flow = VirtualTimeLoop.Run(() => Task.Delay(TimeSpan.FromMinutes(3), clock), clock);

        Assert.True(flow.IsCompletedSuccessfully);
        Assert.Equal(Start.AddMinutes(3), clock.GetUtcNow());
    }

    [Fact]
    public void A_deadline_cancels_a_longer_wait_at_its_own_time()
    {
        var clock = new VirtualTime(Start);
        var cancelledAt = TimeSpan.Zero;

        var flow = VirtualTimeLoop.Run(async () =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(45), clock);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(10), clock, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                cancelledAt = clock.Elapsed;
            }
        }, clock);

        Assert.True(flow.IsCompletedSuccessfully);
        Assert.Equal(TimeSpan.FromSeconds(45), cancelledAt);
    }

    [Fact]
    public void A_deadline_that_is_not_reached_does_not_fire()
    {
        var clock = new VirtualTime(Start);
        var cancelled = true;

        var flow = VirtualTimeLoop.Run(async () =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1), clock);
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, deadline.Token);
            cancelled = deadline.IsCancellationRequested;
        }, clock);

        Assert.True(flow.IsCompletedSuccessfully);
        Assert.False(cancelled);
        Assert.Equal(TimeSpan.FromMilliseconds(200), clock.Elapsed);
    }

    [Fact]
    public void A_flow_waiting_on_nothing_that_can_end_is_returned_unfinished()
    {
        var clock = new VirtualTime(Start);
        var never = new TaskCompletionSource();

        var flow = VirtualTimeLoop.Run(() => never.Task, clock);

        Assert.False(flow.IsCompleted);
    }
}
