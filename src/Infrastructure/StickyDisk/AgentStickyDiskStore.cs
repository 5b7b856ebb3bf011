using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Blacksmith.Orchestration.Ports;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blacksmith.Infrastructure.StickyDisk;

/// <summary>
/// The sticky-disk store on Blacksmith runners: the VM agent's <c>stickydisk.v1.StickyDiskService</c>, unary gRPC
/// over cleartext HTTP/2. Every method is exactly one call with its own deadline; retrying is the steps' decision,
/// because only they know whether a repeat is safe (a timed-out expose may have half-exposed a disk).
/// Dispose it when the step is done: it owns the connection, and a connection left open keeps a step's process
/// around after its work is over.
/// </summary>
public sealed class AgentStickyDiskStore : IStickyDiskStore, IDisposable
{
    /// <summary>The disk type the agent keeps for docker builders.</summary>
    public const string StickyDiskType = "dockerfile";

    private const string UpOperation = "stickydisk.up";
    private const string ExposeOperation = "stickydisk.expose";
    private const string MetricOperation = "stickydisk.metric";

    private readonly AgentOptions _options;
    private readonly GrpcChannel _channel;
    private readonly StickyDiskService.StickyDiskServiceClient _client;
    private volatile bool _disposed;

    public AgentStickyDiskStore(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Address.IsAbsoluteUri)
        {
            throw new ArgumentException($"the agent address must be absolute, not '{options.Address}'", nameof(options));
        }

        _options = options;
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            // For an http:// address the channel speaks HTTP/2 with prior knowledge (h2c), which is what the agent
            // expects. The handler is ours so that disposing the channel provably closes its connection.
            HttpHandler = new SocketsHttpHandler(),
            DisposeHttpClient = true,

            // No service config means no retry or hedging policy: the channel never repeats a call on its own.
            ServiceConfig = null,
        });
        _client = new StickyDiskService.StickyDiskServiceClient(_channel);
    }

    public string Kind => "agent";

    /// <summary>The agent this store talks to.</summary>
    public Uri Address => _options.Address;

    public async Task UpAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await CallAsync(UpOperation, _options.UpTimeout, options => _client.UpAsync(new UpRequest(), options), cancellationToken);
    }

    public async Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheKey);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var request = new GetStickyDiskRequest
        {
            StickyDiskKey = cacheKey,
            Region = _options.Region,
            InstallationModelId = _options.InstallationModelId,
            VmId = _options.VmId,
            StickyDiskType = StickyDiskType,
            RepoName = _options.RepoName,
            StickyDiskToken = _options.Token,
        };

        var reply = await CallAsync(ExposeOperation, _options.ExposeTimeout, options => _client.GetStickyDiskAsync(request, options), cancellationToken);
        if (string.IsNullOrWhiteSpace(reply.ExposeId))
        {
            throw new ExternalCallException(ExposeOperation, ExternalErrorKind.BadReply, "the agent's reply has an empty expose_id (expected the id of the exposure)");
        }

        // An exposure without a device is still an exposure: returned as it is, so that the step records its id and
        // post releases it (throwing here would lose the id).
        return new ExposedDisk(reply.ExposeId, reply.DiskIdentifier?.Trim() ?? string.Empty);
    }

    public async Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var request = new CommitStickyDiskRequest
        {
            ExposeId = settlement.ExposeId,
            StickyDiskKey = settlement.CacheKey,
            VmId = _options.VmId,
            ShouldCommit = settlement.Commit,
            RepoName = _options.RepoName,
            StickyDiskToken = _options.Token,

            // 0 is the field's "not measured" value; an agent on the older schema ignores the field entirely.
            FsDiskUsageBytes = settlement.FsUsageBytes ?? 0,
        };

        // One RPC settles both ways; a release's failure still names a release (DiskSettlement.Operation).
        await CallAsync(settlement.Operation, _options.CommitTimeout, options => _client.CommitStickyDiskAsync(request, options), cancellationToken);

        // stickydisk.v1 answers a commit with an empty message: accepted is all an agent can say.
        return SettleOutcome.Applied;
    }

    /// <summary>
    /// The agent's <c>stickydisk.v1</c> API has no holder of an exposure to ask by: none are found. An exposure whose
    /// expose call returned to a job killed before it journaled it ends with its VM on Blacksmith runners; with
    /// <c>blacksmith-agent</c> it stays until an administrator's <c>store gc --abandoned-after</c> (docs/leftovers.md).
    /// </summary>
    public Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExposedDisk>>([]);

    public async Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var request = new ReportMetricRequest
        {
            RepoName = _options.RepoName,
            Region = _options.Region,
            Metric = new Metric { Type = MetricType(metric.Kind), IntValue = metric.Value },
        };

        await CallAsync(MetricOperation, _options.MetricTimeout, options => _client.ReportMetricAsync(request, options), cancellationToken);
    }

    public void Dispose()
    {
        _disposed = true;

        // Also disposes the handler (DisposeHttpClient), which closes the pooled HTTP/2 connection now rather
        // than when the pool's idle timer gets to it.
        _channel.Dispose();
    }

    private static Metric.Types.MetricType MetricType(StickyDiskMetricKind kind) => kind switch
    {
        StickyDiskMetricKind.HotloadDurationMs => Metric.Types.MetricType.BpaHotloadDurationMs,
        StickyDiskMetricKind.BuildkitdReadyDurationMs => Metric.Types.MetricType.BpaBuildkitdReadyDurationMs,
        StickyDiskMetricKind.BuildkitdShutdownDurationMs => Metric.Types.MetricType.BpaBuildkitdShutdownDurationMs,
        StickyDiskMetricKind.FeatureUsage => Metric.Types.MetricType.BpaFeatureUsage,
        StickyDiskMetricKind.PruneBytes => Metric.Types.MetricType.BpaV2PruneBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no agent metric type for this kind"),
    };

    private async Task<TReply> CallAsync<TReply>(
        string operation,
        TimeSpan? timeout,
        Func<CallOptions, AsyncUnaryCall<TReply>> call,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A deadline of our own travels to the agent as grpc-timeout, so it stops working on a call we have given up on.
        // Without one the caller's deadline is the token's: cancelling it resets the call's stream, which the agent sees too.
        var options = new CallOptions(deadline: timeout is { } own ? DateTime.UtcNow + own : null, cancellationToken: cancellationToken);
        try
        {
            using var pending = call(options);
            return await pending.ResponseAsync;
        }
        catch (RpcException error)
        {
            throw AgentFailure.From(operation, error, _options, timeout, cancellationToken);
        }
    }
}
