using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Post;

/// <summary>
/// Prunes the cache to the setup's <c>max-cache-size-mb</c> while the daemon still runs, so the committed disk stays
/// within the size the user chose. Best effort: a failure or a prune that outlasts <see cref="Budget"/> is a
/// warning, and the drain goes on to stop the daemon either way. It proposes no event (see <see cref="PruneCache"/>).
/// </summary>
internal partial class PruneCacheHandler(IBuildkitDaemon daemon, ILifecycleContext lifecycle, TimeProvider time, ILogger<PruneCacheHandler> logger)
    : ICommandHandler<PruneCache, LifecycleResult>
{
    /// <summary>How long post waits for a prune before it stops the daemon anyway (the prune is then cancelled).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private const long BytesPerMegabyte = 1_000_000;

    public async ValueTask<LifecycleResult> Handle(PruneCache command, CancellationToken cancellationToken)
    {
        var snapshot = lifecycle.Snapshot;
        var megabytes = snapshot.Setup?.MaxCacheSizeMegabytes ?? 0;
        if (!LifecycleMachine.IsPruneDue(snapshot) || snapshot.Daemon is not { } identity)
        {
            return LifecycleResult.Nothing();
        }

        var keepBytes = megabytes > long.MaxValue / BytesPerMegabyte ? long.MaxValue : megabytes * BytesPerMegabyte;
        using var budget = new CancellationTokenSource(Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            var freed = await daemon.PruneAsync(identity, keepBytes, linked.Token);
            LogPruned(logger, megabytes, freed);
        }
        catch (ExternalCallException ex)
        {
            LogPruneFailed(logger, megabytes, ex.Message);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogPruneFailed(logger, megabytes, $"it did not finish within {Budget.TotalSeconds:0} s and was cancelled");
        }

        return LifecycleResult.Nothing();
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Pruned the BuildKit cache to at most {Megabytes} MB: {FreedBytes} bytes freed")]
    private static partial void LogPruned(ILogger logger, long megabytes, long freedBytes);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Could not prune the BuildKit cache to {Megabytes} MB before stopping the daemon (the cache stays larger): {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, long megabytes, string reason);
}
