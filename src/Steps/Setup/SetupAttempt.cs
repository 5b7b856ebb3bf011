using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Setup;

/// <summary>Runs one setup effect; a named external failure becomes SetupFailed for that step instead of a crash.</summary>
internal static class SetupAttempt
{
    public static ValueTask<LifecycleResult> RunAsync(string step, Func<Task<LifecycleEvent>> effect) =>
        RunAsync(step, async () => new[] { await effect() });

    /// <summary>For an effect that records what it acquired before the failure it ran into (both are proposed together).</summary>
    public static async ValueTask<LifecycleResult> RunAsync(string step, Func<Task<LifecycleEvent[]>> effect)
    {
        try
        {
            return LifecycleResult.Propose(await effect());
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new SetupFailed(step, ex.Message));
        }
    }
}
