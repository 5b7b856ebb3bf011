using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Grpc.Core;

namespace Blacksmith.Testing.Agent;

/// <summary>The gRPC face of <see cref="FakeStickyDiskAgent"/>: records each request, then acts as scripted.</summary>
internal sealed class FakeAgentService(FakeStickyDiskAgent agent) : StickyDiskService.StickyDiskServiceBase
{
    public override async Task<UpResponse> Up(UpRequest request, ServerCallContext context)
    {
        await agent.BehaveAsync(context);
        return new UpResponse();
    }

    public override async Task<GetStickyDiskResponse> GetStickyDisk(GetStickyDiskRequest request, ServerCallContext context)
    {
        var recorded = new RecordedExpose(
            request.StickyDiskKey, request.Region, request.InstallationModelId, request.VmId, request.StickyDiskType, request.RepoName, request.StickyDiskToken);
        var disk = agent.Record(recorded);
        await agent.BehaveAsync(context);
        return new GetStickyDiskResponse { ExposeId = disk.ExposeId, DiskIdentifier = disk.DiskIdentifier };
    }

    public override async Task<CommitStickyDiskResponse> CommitStickyDisk(CommitStickyDiskRequest request, ServerCallContext context)
    {
        agent.Record(new RecordedCommit(
            request.ExposeId, request.StickyDiskKey, request.VmId, request.ShouldCommit, request.RepoName, request.StickyDiskToken, request.FsDiskUsageBytes));
        await agent.BehaveAsync(context);
        return new CommitStickyDiskResponse();
    }

    public override async Task<ReportMetricResponse> ReportMetric(ReportMetricRequest request, ServerCallContext context)
    {
        var metric = request.Metric ?? new Metric();
        var type = Metric.Descriptor.EnumTypes[0].FindValueByNumber((int)metric.Type)?.Name ?? ((int)metric.Type).ToString(System.Globalization.CultureInfo.InvariantCulture);
        agent.Record(new RecordedMetric(
            request.RepoName,
            request.Region,
            type,
            metric.ValueCase == Metric.ValueOneofCase.IntValue ? metric.IntValue : null,
            metric.ValueCase == Metric.ValueOneofCase.DoubleValue ? metric.DoubleValue : null));
        await agent.BehaveAsync(context);
        return new ReportMetricResponse();
    }
}
