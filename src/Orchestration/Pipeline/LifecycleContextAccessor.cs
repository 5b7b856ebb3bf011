using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Pipeline;

/// <summary>
/// Carries the loaded snapshot from the pipeline to the handler of the same command. Async-local, so that
/// concurrent commands in one process (several builds at once) each see their own.
/// </summary>
internal sealed class LifecycleContextAccessor : ILifecycleContext
{
    private static readonly AsyncLocal<LifecycleSnapshot?> Current = new();

    public LifecycleSnapshot Snapshot =>
        Current.Value ?? throw new InvalidOperationException("No lifecycle command is being handled on this flow.");

    internal static IDisposable Enter(LifecycleSnapshot snapshot)
    {
        var previous = Current.Value;
        Current.Value = snapshot;
        return new Scope(previous);
    }

    private sealed class Scope(LifecycleSnapshot? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
