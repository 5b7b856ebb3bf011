using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Replay;

/// <summary>
/// The clock a replay's engine is composed with: the virtual clock of the scenario being replayed right now. The engine
/// (and the call pipelines built on its clock) outlive one scenario; each scenario's time stays its own.
/// </summary>
internal sealed class ReplayClock : TimeProvider
{
    private VirtualTime? _current;

    public override long TimestampFrequency => Current.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Current.LocalTimeZone;

    private VirtualTime Current => _current ?? throw new InvalidOperationException("No replay is bound to the engine's clock.");

    public void Bind(VirtualTime clock) => _current = clock;

    public void Unbind() => _current = null;

    public override long GetTimestamp() => Current.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => Current.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Current.CreateTimer(callback, state, dueTime, period);
}
