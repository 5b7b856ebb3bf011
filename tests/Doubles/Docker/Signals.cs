using System.Runtime.InteropServices;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// buildx's appcontext: the first SIGINT or SIGTERM cancels the command's context instead of killing the process, so
/// the command can report the cancellation and exit with its own code.
/// </summary>
internal sealed class Signals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    private Signals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _cancel.Token;

    public static Signals CancelOnInterrupt() => new();

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancel.Cancel();
    }
}
