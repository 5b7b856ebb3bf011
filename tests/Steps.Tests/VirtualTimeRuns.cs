using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Steps.Tests;

/// <summary>
/// Runs a step on a <see cref="VirtualTime"/> as a replay runs a host (<see cref="VirtualTimeLoop"/>): time stands still
/// while the step runs and moves to the next timer whenever the step only waits, so backoffs and retries run to their
/// end at once while deadlines still end them at the right virtual moment.
/// </summary>
internal static class VirtualTimeRuns
{
    public static Task<T> RunAsync<T>(this VirtualTime clock, Func<Task<T>> step) =>
        Finished((Task<T>)VirtualTimeLoop.Run(step, clock));

    public static Task<T> RunAsync<T>(this VirtualTime clock, Func<ValueTask<T>> step) =>
        clock.RunAsync(() => step().AsTask());

    public static Task RunAsync(this VirtualTime clock, Func<Task> step) =>
        Finished(VirtualTimeLoop.Run(step, clock));

    // A step still running when no timer is left waits on something nothing will end: awaited, it would hang the test.
    private static TTask Finished<TTask>(TTask task)
        where TTask : Task =>
        task.IsCompleted ? task : throw new InvalidOperationException("The step waits on something no timer ends; it would never finish.");
}
