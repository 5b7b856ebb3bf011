using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Runs one setup effect; a named external failure becomes SetupFailed for that step instead of a crash, carrying the
/// failure as data (and the step's budget, when it has one) so that reading it back never parses the message.
/// </summary>
internal static class SetupAttempt
{
    public static ValueTask<LifecycleResult> RunAsync(string step, Func<Task<LifecycleEvent>> effect, long? budgetMilliseconds = null) =>
        RunAsync(step, async () => new[] { await effect() }, budgetMilliseconds);

    /// <summary>For an effect that records what it acquired before the failure it ran into (both are proposed together).</summary>
    public static async ValueTask<LifecycleResult> RunAsync(string step, Func<Task<LifecycleEvent[]>> effect, long? budgetMilliseconds = null)
    {
        try
        {
            return LifecycleResult.Propose(await effect());
        }
        catch (ExternalCallException ex)
        {
            return LifecycleResult.Propose(new SetupFailed(step, ex.Message, ex.Failure, budgetMilliseconds));
        }
    }
}
