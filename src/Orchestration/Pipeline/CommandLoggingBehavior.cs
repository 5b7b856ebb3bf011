using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Logging;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Orchestration.Pipeline;

/// <summary>Logs each lifecycle command's result and duration. Logs the command's name only, never its fields.</summary>
internal sealed class CommandLoggingBehavior<TMessage, TResponse>(
    TimeProvider time,
    ILogger<CommandLoggingBehavior<TMessage, TResponse>> logger) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ILifecycleCommand
    where TResponse : LifecycleResult
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var started = time.GetTimestamp();
        try
        {
            var result = await next(message, cancellationToken);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.CommandFinished(typeof(TMessage).Name, time.GetElapsedTime(started).TotalMilliseconds, Describe(result));
            }

            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.CommandFailed(ex, typeof(TMessage).Name, time.GetElapsedTime(started).TotalMilliseconds);
            }

            throw;
        }
    }

    private static string Describe(LifecycleResult result) => result switch
    {
        LifecycleResult.Applied { Transitions.Count: 0 } => "nothing to do",
        LifecycleResult.Applied applied => string.Join(", ", applied.Transitions.Select(t => $"{t.From} -> {t.To} on {t.Trigger}")),
        LifecycleResult.Refused refused => $"refused ({refused.Message})",
        _ => result.GetType().Name,
    };
}
