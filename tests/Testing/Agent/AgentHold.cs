namespace Blacksmith.Testing.Agent;

/// <summary>
/// Calls the fake agent holds before answering: a gate instead of a delay, so tests never sleep. A held call ends
/// when <see cref="Release"/> is called (it is then answered as usual) or when its caller gives up.
/// </summary>
public sealed class AgentHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first call arrives at the gate (the agent has the request).</summary>
    public Task WaitUntilReachedAsync(CancellationToken cancellationToken) => _reached.Task.WaitAsync(cancellationToken);

    /// <summary>Lets every held call, and any later one this hold catches, go on.</summary>
    public void Release() => _released.TrySetResult();

    internal async Task WaitAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}
