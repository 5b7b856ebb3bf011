using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// The time one step may spend on reports to the control plane, all of them together. Reports are telemetry: a control
/// plane that hangs or keeps failing must not hold a step up (one report could take six 10-second attempts and their
/// backoff). Each report runs under what is left of the budget, and once it is spent a report is not sent at all; either
/// way it ends as a <see cref="ExternalErrorKind.Timeout"/>, which the journal records as timed out.
/// </summary>
/// <param name="total">The whole budget.</param>
/// <param name="time">The clock the budget runs on.</param>
internal sealed class ReportBudget(TimeSpan total, TimeProvider time)
{
    /// <summary>A step's budget for all its reports.</summary>
    public static readonly TimeSpan PerStep = TimeSpan.FromSeconds(5);

    private long _spentTicks;

    /// <summary>What is left for the step's next reports.</summary>
    public TimeSpan Remaining => total - TimeSpan.FromTicks(Interlocked.Read(ref _spentTicks));

    /// <summary>Runs one report under what is left, counting the time it took against the budget.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var remaining = Remaining;
        if (remaining <= TimeSpan.Zero)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Timeout, $"not sent: this step's {total.TotalSeconds:0.#} s for reports are spent");
        }

        var started = time.GetTimestamp();
        try
        {
            return await Bounded.RunAsync(operation, report, remaining, time, cancellationToken);
        }
        finally
        {
            Interlocked.Add(ref _spentTicks, time.GetElapsedTime(started).Ticks);
        }
    }
}
