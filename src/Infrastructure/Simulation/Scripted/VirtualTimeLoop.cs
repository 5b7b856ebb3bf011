namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// Runs one asynchronous flow (a host) on the calling thread, one continuation at a time, and moves the
/// <see cref="VirtualTime"/> only when the flow has nothing left to run: then it is waiting for a timer, and the
/// earliest timer fires. A flow that waits while no timer is pending would wait forever (a call that hangs with
/// nothing to cut it short); the loop then gives up on it and returns its unfinished task.
/// </summary>
public sealed class VirtualTimeLoop : SynchronizationContext
{
    private readonly Lock _gate = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _work = new();

    private VirtualTimeLoop()
    {
    }

    /// <summary>
    /// Runs <paramref name="flow"/> until it ends, or until it waits on something no timer will ever end. Returns its
    /// task: completed (successfully or not), or still running when it hung.
    /// </summary>
#pragma warning disable VSTHRD200 // It runs synchronously to the end; the task is returned to be inspected, not awaited.
    public static Task Run(Func<Task> flow, VirtualTime clock)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(clock);
        var previous = Current;
        var loop = new VirtualTimeLoop();
        SetSynchronizationContext(loop);
        try
        {
            var task = flow();
            while (!task.IsCompleted)
            {
                if (loop.TryTake(out var work))
                {
                    work.Callback(work.State);
                }
                else if (!clock.FireNext())
                {
                    break;
                }
            }

            return task;
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

#pragma warning restore VSTHRD200

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            _work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;

    private bool TryTake(out (SendOrPostCallback Callback, object? State) work)
    {
        lock (_gate)
        {
            return _work.TryDequeue(out work);
        }
    }
}
