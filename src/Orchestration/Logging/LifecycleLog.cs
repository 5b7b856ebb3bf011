using Blacksmith.Orchestration.Lifecycle;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Orchestration.Logging;

/// <summary>Log messages of the lifecycle core, with stable event ids.</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Lifecycle {From} -> {To} on {Trigger} (journal record {Sequence})")]
    public static partial void Transitioned(this ILogger logger, LifecycleTrigger trigger, LifecycleState from, LifecycleState to, long sequence);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Journal {Location}: {Warning}")]
    public static partial void JournalWarning(this ILogger logger, string location, string warning);

    // Debug, not Warning: a refusal is an expected value (a second setup is refused, then attaches), and on
    // GitHub Actions a warning becomes an annotation. The hosts annotate the refusals a user must see.
    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "{Command} refused: {Reason}")]
    public static partial void CommandRefused(this ILogger logger, string command, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "{Command} finished in {ElapsedMilliseconds} ms: {Result}")]
    public static partial void CommandFinished(this ILogger logger, string command, double elapsedMilliseconds, string result);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "{Command} failed after {ElapsedMilliseconds} ms")]
    public static partial void CommandFailed(this ILogger logger, Exception exception, string command, double elapsedMilliseconds);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "The outcome of {Port}.{Method} could not be journaled: {Reason}")]
    public static partial void EffectNotRecorded(this ILogger logger, string port, string method, string reason);
}
