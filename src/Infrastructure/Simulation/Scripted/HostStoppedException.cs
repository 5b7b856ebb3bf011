namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The scripted world stopped the running host: it was killed (as by SIGKILL), or the replay diverged from its
/// script. A cancellation, so that no step catches it as a failure and journals anything more: the host unwinds as
/// a process that died would have stopped, with nothing further done.
/// </summary>
public sealed class HostStoppedException : OperationCanceledException
{
    public HostStoppedException()
    {
    }

    public HostStoppedException(string message)
        : base(message)
    {
    }

    public HostStoppedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
