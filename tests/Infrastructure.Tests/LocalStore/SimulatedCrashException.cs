using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// Thrown by a store's fault hook to stop an operation after a given step. The store catches only the exceptions
/// it knows (I/O, refusals, cancellation), so this one leaves everything as a killed process would; disposing the store
/// afterwards then releases its owner lock, as the kernel does for a dead process.
/// </summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : this("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception inner)
        : base(message, inner)
    {
    }

    internal SimulatedCrashException(StoreStep step)
        : base($"simulated crash after {step}")
    {
    }

    internal static Action<StoreStep> After(StoreStep step) => reached =>
    {
        if (reached == step)
        {
            throw new SimulatedCrashException(reached);
        }
    };
}
