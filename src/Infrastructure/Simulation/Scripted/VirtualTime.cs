namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The clock of a replay. Time stands still while code runs and moves only when the code waits for it: every
/// timer (a backoff delay, a deadline) stays pending until <see cref="FireNext"/> moves the clock to the earliest
/// one and fires it, which <see cref="VirtualTimeLoop"/> does whenever the host it drives has nothing else to do.
/// A 45 s deadline therefore costs nothing, and still fires at the right moment relative to everything else, so a
/// replay is both fast and deterministic. It is also the tests' one clock: a test that steps time itself calls
/// <see cref="Advance"/>, which fires every timer the step passes.
/// </summary>
public sealed class VirtualTime(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<VirtualTimer> _pending = [];
    private long _ticks;
    private long _scheduled;

    /// <summary>How much virtual time has passed since <c>start</c>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp());

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => start + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock to the earliest pending timer (never backwards) and fires it; false when none is pending.</summary>
    public bool FireNext()
    {
        if (TakeNext(until: long.MaxValue) is not { } next)
        {
            return false;
        }

        next.Fire();
        return true;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, then fires every timer that fell due on the way, earliest first
    /// and a periodic one once for each period that passed: the code they wake sees the time after the step, as a test
    /// that lets that much time pass expects.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            target = _ticks + by.Ticks;
            Interlocked.Exchange(ref _ticks, target);
        }

        // A timer's callback may schedule another within the step (a retry's next delay): it fires in this step too.
        while (TakeNext(until: target) is { } next)
        {
            next.Fire();
        }
    }

    private VirtualTimer? TakeNext(long until)
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return null;
            }

            // Earliest due first; among equals, the one scheduled first, so a replay fires timers in one order only.
            var next = _pending.MinBy(t => (t.Due, t.Order))!;
            if (next.Due > until)
            {
                return null;
            }

            _pending.Remove(next);
            if (next.Due > _ticks)
            {
                Interlocked.Exchange(ref _ticks, next.Due);
            }

            // From when it was due, not from now: the same in a replay, which moves the clock to each timer it fires,
            // and once per period passed when a test steps past several.
            if (next.Period > TimeSpan.Zero)
            {
                ScheduleAt(next, next.Due + next.Period.Ticks);
            }

            return next;
        }
    }

    private void Schedule(VirtualTimer timer, TimeSpan dueTime) => ScheduleAt(timer, _ticks + Math.Max(0, dueTime.Ticks));

    private void ScheduleAt(VirtualTimer timer, long due)
    {
        timer.Due = due;
        timer.Order = ++_scheduled;
        _pending.Add(timer);
    }

    private void Reschedule(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _pending.Remove(timer);
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Schedule(timer, dueTime);
            }
        }
    }

    private void Cancel(VirtualTimer timer)
    {
        lock (_gate)
        {
            _pending.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualTime clock, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; set; }

        public long Order { get; set; }

        public TimeSpan Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Reschedule(this, dueTime, period);
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
