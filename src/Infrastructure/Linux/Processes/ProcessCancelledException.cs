namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// The caller cancelled a tool invocation; the process tree has been killed and reaped. Cancellation stays
/// cancellation (callers catch <see cref="OperationCanceledException"/>); the outcome is kept for whoever records it.
/// </summary>
public sealed class ProcessCancelledException : OperationCanceledException
{
    public ProcessCancelledException(ProcessOutcome outcome, CancellationToken cancellationToken)
        : base($"{outcome?.Command} was cancelled after {outcome?.Duration.TotalSeconds:0.###} s and its process tree killed.", null, cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Outcome = outcome;
    }

    public ProcessOutcome Outcome { get; }
}
