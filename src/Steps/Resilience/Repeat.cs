namespace Blacksmith.Steps.Resilience;

/// <summary>Whether <see cref="TransientRetry"/> may send a call again after it may have reached the other side.</summary>
internal enum Repeat
{
    /// <summary>Retried only when it surely did nothing (unavailable): a second expose could expose a second disk.</summary>
    OnlyWhenNotSent,

    /// <summary>Doing it twice is doing it once (the agent's Up), so an interrupted call is retried too.</summary>
    Idempotent,
}
