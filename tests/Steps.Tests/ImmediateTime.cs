namespace Blacksmith.Steps.Tests;

/// <summary>
/// A virtual clock for retry and backoff loops. Short one-shot timers (the delays between attempts) fire at once
/// and move time forward by their length; long ones (overall deadlines, grace periods) fire when virtual time
/// passes them. Loops therefore run to their end without waiting, and deadlines still bound them.
/// </summary>
internal sealed class ImmediateTime : TimeProvider
{
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<VirtualTimer> _pending = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return timer;
        }

        if (dueTime <= LongestDelay)
        {
            Advance(dueTime);
            callback(state);
            return timer;
        }

        timer.Due = GetTimestamp() + dueTime.Ticks;
        lock (_gate)
        {
            _pending.Add(timer);
        }

        return timer;
    }

    private void Advance(TimeSpan by)
    {
        var now = Interlocked.Add(ref _ticks, by.Ticks);
        List<VirtualTimer> due;
        lock (_gate)
        {
            due = [.. _pending.Where(t => t.Due <= now)];
            _pending.RemoveAll(due.Contains);
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Cancel(VirtualTimer timer)
    {
        lock (_gate)
        {
            _pending.Remove(timer);
        }
    }

    private sealed class VirtualTimer(ImmediateTime clock, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Cancel(this);
            return true;
        }

        public void Dispose() => clock.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
