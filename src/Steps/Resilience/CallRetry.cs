using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// When <see cref="CallPipeline"/> sends a failed call again: which failures, how many attempts in all, and the delay
/// before each retry, doubling from <paramref name="FirstDelay"/> up to <paramref name="MaxDelay"/>.
/// </summary>
/// <param name="Retryable">Whether a failure may be retried.</param>
/// <param name="MaxAttempts">Attempts in all, the first one included (at least 2).</param>
/// <param name="FirstDelay">The delay before the first retry.</param>
/// <param name="MaxDelay">The longest delay between two attempts.</param>
internal sealed record CallRetry(Func<ExternalCallException, bool> Retryable, int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var delay = FirstDelay;
        for (var i = 1; i < retry && delay < MaxDelay; i++)
        {
            delay *= 2;
        }

        return delay < MaxDelay ? delay : MaxDelay;
    }
}
