using System.Diagnostics;
using System.Globalization;
using Blacksmith.Agent.Metrics;
using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Blacksmith.Orchestration.Ports;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent.Server;

/// <summary>
/// <c>stickydisk.v1.StickyDiskService</c> over the local store: <c>Up</c> checks the store, <c>GetStickyDisk</c>
/// exposes, <c>CommitStickyDisk</c> commits or releases, <c>ReportMetric</c> logs (within a rate and size per caller). <c>QueueDockerJob</c> is left
/// unimplemented, as neither action calls it.
/// </summary>
internal sealed class StickyDiskAgentService(IStickyDiskStore store, AgentAccess access, MetricAdmission metrics, AgentMeter meter, ILogger<StickyDiskAgentService> logger)
    : StickyDiskService.StickyDiskServiceBase
{
    /// <summary>A connectivity check, open to all: it says nothing and changes nothing, and the actions send no token with it.</summary>
    public override async Task<UpResponse> Up(UpRequest request, ServerCallContext context)
    {
        await CallAsync(context, () => store.UpAsync(context.CancellationToken));
        return new UpResponse();
    }

    public override async Task<GetStickyDiskResponse> GetStickyDisk(GetStickyDiskRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Authorize(context, request.StickyDiskToken);
        Require(request.StickyDiskKey, "sticky_disk_key", "the cache key whose disk to expose");
        var disk = await CallAsync(context, () => store.ExposeAsync(request.StickyDiskKey, context.CancellationToken), AgentMeter.Expose);
        if (context.CancellationToken.IsCancellationRequested)
        {
            // Exposed after the caller gave up (its deadline passed while cloning): nobody would ever settle it.
            AgentLog.CallerGone(logger, request.StickyDiskKey, disk.ExposeId);
            await CallAsync(context, () => store.SettleAsync(new DiskSettlement(disk.ExposeId, request.StickyDiskKey, Commit: false, null), CancellationToken.None));
            throw new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled; the disk it exposed was released"));
        }

        AgentLog.Exposed(logger, request.StickyDiskKey, disk.Device, disk.ExposeId, new CallerField(request.RepoName), new CallerField(request.VmId));
        return new GetStickyDiskResponse { ExposeId = disk.ExposeId, DiskIdentifier = disk.Device };
    }

    public override async Task<CommitStickyDiskResponse> CommitStickyDisk(CommitStickyDiskRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Authorize(context, request.StickyDiskToken);
        Require(request.ExposeId, "expose_id", "the id GetStickyDisk answered");
        Require(request.StickyDiskKey, "sticky_disk_key", "the cache key the disk was exposed for");
        if (request.FsDiskUsageBytes < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"fs_disk_usage_bytes is {request.FsDiskUsageBytes}; expected a byte count, or 0 when not measured"));
        }

        // 0 is the field's default: not measured (and an older client never sends it).
        var settlement = new DiskSettlement(request.ExposeId, request.StickyDiskKey, request.ShouldCommit, request.FsDiskUsageBytes > 0 ? request.FsDiskUsageBytes : null);

        // Once begun, a settlement runs to its end even if the caller gives up or the agent is asked to stop: each of
        // its steps is bounded by the store's own tool timeouts, and one cut short would stay marked as this live
        // agent's until a repeat or the next start finished it. Shutdown waits for it (AgentServer).
        var asked = request.ShouldCommit ? AgentMeter.Commit : AgentMeter.Release;
        var outcome = await CallAsync(
            context, () => store.SettleAsync(settlement, CancellationToken.None), asked, done => done == SettleOutcome.Applied ? AgentMeter.Ok : AgentMeter.NothingToDo);
        switch (outcome)
        {
            // A settlement that changed nothing is logged as such, not as done: a repeated commit, or a release of an
            // exposure committed or gone, is normal after a lost reply and says nothing happened now.
            case SettleOutcome.AlreadyCommitted:
                AgentLog.NothingToDo(logger, asked, request.ExposeId, request.StickyDiskKey, "it was already committed");
                break;
            case SettleOutcome.NotHeld:
                AgentLog.NothingToDo(logger, asked, request.ExposeId, request.StickyDiskKey, "the store holds no such exposure (released before, or never exposed here)");
                break;
            default:
                AgentLog.Settled(logger, request.ShouldCommit ? "Committed" : "Released", request.ExposeId, request.StickyDiskKey, request.FsDiskUsageBytes);
                break;
        }
        return new CommitStickyDiskResponse();
    }

    /// <summary>
    /// Logs the metric. Open to all, like <c>Up</c>: upstream's clients send no token with it (the message has no field
    /// for one), and a metric touches no disk. What bounds it instead: a rate and a size per caller
    /// (<see cref="MetricAdmission"/>), and the caller's fields escaped and capped before they reach the log.
    /// </summary>
    public override Task<ReportMetricResponse> ReportMetric(ReportMetricRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var caller = MetricAdmission.Caller(context.Peer);
        var decision = metrics.Admit(caller, request.CalculateSize());
        if (decision.RefusedBefore > 0)
        {
            AgentLog.MetricsRefused(logger, decision.RefusedBefore, caller, MetricAdmission.PerMinute);
        }

        if (!decision.Admitted)
        {
            if (decision.FirstRefusal)
            {
                AgentLog.MetricRefused(logger, caller, decision.Refusal!);
            }

            throw new RpcException(new Status(StatusCode.ResourceExhausted, decision.Refusal!));
        }

        var metric = request.Metric ?? new Metric();
        var value = metric.ValueCase switch
        {
            Metric.ValueOneofCase.IntValue => metric.IntValue.ToString(CultureInfo.InvariantCulture),
            Metric.ValueOneofCase.DoubleValue => metric.DoubleValue.ToString(CultureInfo.InvariantCulture),
            _ => "(none)",
        };
        var type = Enum.IsDefined(metric.Type) ? metric.Type.ToString() : ((int)metric.Type).ToString(CultureInfo.InvariantCulture);
        AgentLog.Metric(logger, type, value, new CallerField(request.RepoName), new CallerField(request.Region), caller);
        return Task.FromResult(new ReportMetricResponse());
    }

    private void Authorize(ServerCallContext context, string? bodyToken)
    {
        try
        {
            access.Demand(context, bodyToken);
        }
        catch (RpcException ex)
        {
            AgentLog.CallFailed(logger, context.Method, context.Peer, ex.StatusCode.ToString(), ex.Status.Detail);
            throw;
        }
    }

    private static void Require(string value, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is empty; expected {what}"));
        }
    }

    private async Task CallAsync(ServerCallContext context, Func<Task> call) =>
        await CallAsync(context, async () =>
        {
            await call();
            return true;
        });

    /// <summary>
    /// Makes one store call; with an <paramref name="operation"/>, also times it and counts it by outcome, and a failure
    /// by its kind (only the fixed names of <see cref="AgentMeter"/>: nothing the caller sent becomes a label).
    /// </summary>
    private async Task<T> CallAsync<T>(ServerCallContext context, Func<Task<T>> call, string? operation = null, Func<T, string>? outcome = null)
    {
        var started = Stopwatch.GetTimestamp();
        void Served(string result)
        {
            if (operation is not null)
            {
                meter.Served(operation, result, Stopwatch.GetElapsedTime(started));
            }
        }

        void Failed(string kind)
        {
            Served(AgentMeter.Failed);
            if (operation is not null)
            {
                meter.Failure(operation, kind);
            }
        }

        try
        {
            var result = await call();
            Served(outcome?.Invoke(result) ?? AgentMeter.Ok);
            return result;
        }
        catch (ExternalCallException ex)
        {
            Failed(AgentMeter.KindLabel(ex.Kind));
            var status = StoreFailures.From(ex);
            AgentLog.CallFailed(logger, context.Method, context.Peer, status.StatusCode.ToString(), status.Status.Detail);
            throw status;
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or RpcException))
        {
            Failed(AgentMeter.InternalKind);
            AgentLog.Bug(logger, context.Method, ex);
            throw new RpcException(new Status(StatusCode.Internal, "the agent failed unexpectedly; its log has the details"));
        }
    }
}
