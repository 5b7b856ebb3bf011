using System.Diagnostics;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Metrics;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent.Server;

/// <summary>
/// Runs the lease check (<see cref="LeaseSweep"/>) every <see cref="AgentSettings.LeaseCheckInterval"/> on the agent's
/// clock, the first one interval after start. A check that fails is logged and the next one runs on time: a broken
/// check must never stop the agent serving.
/// </summary>
internal sealed class LeaseService : BackgroundService
{
    private readonly LeaseSweep? _sweep;
    private readonly ILogger _logger;
    private readonly AgentMeter _meter;

    // Made with the service, so that a tick of the clock that comes before the loop first waits is not lost.
    private readonly PeriodicTimer _timer;
    private TaskCompletionSource<IReadOnlyList<LeaseReview>> _next = NewCheck();

    public LeaseService(IStickyDiskStore store, IDeviceUsage usage, AgentSettings settings, TimeProvider time, AgentMeter meter, ILoggerFactory loggers)
    {
        _meter = meter;
        _logger = loggers.CreateLogger("Blacksmith.Agent");
        _sweep = store is IExposureLeases leases ? new LeaseSweep(leases, usage, time, loggers.CreateLogger<LeaseSweep>()) : null;
        _timer = new PeriodicTimer(settings.LeaseCheckInterval, time);
    }

    /// <summary>The outcome of the next check to begin after this call (tests wait on it instead of sleeping).</summary>
    public Task<IReadOnlyList<LeaseReview>> NextCheckAsync() => Volatile.Read(ref _next).Task;

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sweep is null)
        {
            return;
        }

        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(_sweep, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a release under way has run to its end (LeaseSweep does not cancel one).
        }
        finally
        {
            Volatile.Read(ref _next).TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task CheckAsync(LeaseSweep sweep, CancellationToken stoppingToken)
    {
        var check = Interlocked.Exchange(ref _next, NewCheck());
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reviews = await sweep.SweepAsync(stoppingToken);
            _meter.LeaseChecked(Stopwatch.GetElapsedTime(started), reviews.Count(r => r.Released), reviews.Count(r => r.Problem is not null));
            check.TrySetResult(reviews);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            check.TrySetCanceled(stoppingToken);
            throw;
        }
#pragma warning disable CA1031 // The agent keeps serving whatever a check runs into; the next check tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _meter.Failure(AgentMeter.LeaseCheck, ex is ExternalCallException failure ? AgentMeter.KindLabel(failure.Kind) : AgentMeter.InternalKind);
            AgentLog.LeaseCheckFailed(_logger, ex.Message, ex);
            check.TrySetException(ex);
        }
    }

    private static TaskCompletionSource<IReadOnlyList<LeaseReview>> NewCheck() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
