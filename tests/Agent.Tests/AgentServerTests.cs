using System.Net;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Server;
using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Blacksmith.Orchestration.Ports;
using Grpc.Core;
using Grpc.Health.V1;

namespace Blacksmith.Agent.Tests;

/// <summary>The agent end to end over loopback gRPC, driven by the engine's own client, in directory mode (runs anywhere).</summary>
public sealed class AgentServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_disk_exposed_and_committed_through_the_agent_is_what_the_next_expose_of_its_key_starts_from()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var client = h.Client();
        var key = h.NewKey();
        var payload = h.Faker.Random.Bytes(4096);

        await client.UpAsync(Ct);
        var first = await client.ExposeAsync(key, Ct);
        await File.WriteAllBytesAsync(Path.Combine(first.Device, "cache.bin"), payload, Ct);
        await client.SettleAsync(new DiskSettlement(first.ExposeId, key, Commit: true, FsUsageBytes: 12345), Ct);
        var second = await client.ExposeAsync(key, Ct);
        var seen = await File.ReadAllBytesAsync(Path.Combine(second.Device, "cache.bin"), Ct);
        await File.WriteAllTextAsync(Path.Combine(second.Device, "scratch"), "released, never kept", Ct);
        await client.SettleAsync(new DiskSettlement(second.ExposeId, key, Commit: false, null), Ct);

        Assert.NotEqual(first.ExposeId, second.ExposeId);
        Assert.Equal(payload, seen);
        var listing = await h.ListAsync();
        var kept = Assert.Single(listing.Keys);
        Assert.Equal(key, kept.Key);
        Assert.Equal(first.ExposeId, Assert.Single(kept.Generations).ExposeId);
        Assert.Equal(12345, kept.FsUsageBytes);
        Assert.Empty(listing.Exposures);
        Assert.False(Directory.Exists(second.Device));
    }

    [Fact]
    public async Task A_settlement_that_changes_nothing_is_logged_as_nothing_to_do_not_as_done()
    {
        await using var h = new AgentHarness();
        using var log = new CapturedLog();
        await h.StartAsync(h.Settings(), logging: log);
        var client = h.Client();
        var key = h.NewKey();
        var disk = await client.ExposeAsync(key, Ct);

        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: null), Ct);
        await client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, FsUsageBytes: null), Ct);
        await client.SettleAsync(new DiskSettlement("never-exposed", key, Commit: false, FsUsageBytes: null), Ct);

        var lines = log.Messages;
        Assert.Single(lines, l => l.StartsWith($"Committed exposure {disk.ExposeId}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"Nothing to do for the commit of exposure {disk.ExposeId}", StringComparison.Ordinal) && l.EndsWith("it was already committed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Nothing to do for the release of exposure never-exposed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Released exposure never-exposed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_key_is_refused_as_an_invalid_argument_that_the_engines_client_reports_with_the_reason()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var client = h.Client();

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => client.ExposeAsync("../../etc/passwd", Ct));

        Assert.Equal("stickydisk.expose", error.Operation);
        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("InvalidArgument", error.Message, StringComparison.Ordinal);
        Assert.Contains("cache key '../../etc/passwd' is not valid", error.Message, StringComparison.Ordinal);
        Assert.Empty((await h.ListAsync()).Exposures);
    }

    [Fact]
    public async Task Empty_fields_and_a_malformed_expose_id_are_invalid_arguments_naming_the_field()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var raw = new StickyDiskService.StickyDiskServiceClient(h.Channel());

        var noKey = await Assert.ThrowsAsync<RpcException>(async () => await raw.GetStickyDiskAsync(new GetStickyDiskRequest(), cancellationToken: Ct));
        var noId = await Assert.ThrowsAsync<RpcException>(async () =>
            await raw.CommitStickyDiskAsync(new CommitStickyDiskRequest { StickyDiskKey = "acme/widgets", ShouldCommit = true }, cancellationToken: Ct));
        var badId = await Assert.ThrowsAsync<RpcException>(async () =>
            await raw.CommitStickyDiskAsync(new CommitStickyDiskRequest { ExposeId = "../x", StickyDiskKey = "acme/widgets", ShouldCommit = true }, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, noKey.StatusCode);
        Assert.StartsWith("sticky_disk_key is empty", noKey.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, noId.StatusCode);
        Assert.StartsWith("expose_id is empty", noId.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badId.StatusCode);
        Assert.Contains("not an expose id", badId.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Committing_an_exposure_the_store_never_handed_out_fails_and_changes_nothing()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var client = h.Client();
        var key = h.NewKey();

        var error = await Assert.ThrowsAsync<ExternalCallException>(() =>
            client.SettleAsync(new DiskSettlement("local-0123456789abcdef", key, Commit: true, null), Ct));

        Assert.Contains("FailedPrecondition", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown to the local store", error.Message, StringComparison.Ordinal);
        Assert.Empty((await h.ListAsync()).Keys);
    }

    [Fact]
    public async Task The_health_service_reports_the_server_and_the_sticky_disk_service_as_serving()
    {
        await using var h = new AgentHarness();
        await h.StartAsync(h.Settings());
        var health = new Health.HealthClient(h.Channel());

        var server = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
        var service = await health.CheckAsync(new HealthCheckRequest { Service = AgentServer.ServiceName }, cancellationToken: Ct);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, cancellationToken: Ct));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, server.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, service.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_stop_requested_while_a_commit_is_in_flight_waits_for_the_commit_which_completes()
    {
        await using var h = new AgentHarness();
        GatedStore? gated = null;
        var server = await h.StartAsync(h.Settings(), store => gated = new GatedStore(store));
        var client = h.Client();
        var key = h.NewKey();
        var payload = h.Faker.Random.Bytes(2048);
        var disk = await client.ExposeAsync(key, Ct);
        await File.WriteAllBytesAsync(Path.Combine(disk.Device, "cache.bin"), payload, Ct);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = server.Stopping.Register(stopping.SetResult);

        var commit = client.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: true, null), Ct);
        await gated!.SettleEntered.WaitAsync(Ct);
        var stop = server.StopAsync(Ct);
        await stopping.Task.WaitAsync(Ct);
        var stoppedBeforeTheCommit = stop.IsCompleted;
        gated.Open();
        await commit;
        await stop;

        Assert.False(stoppedBeforeTheCommit);
        var generation = Assert.Single(Assert.Single((await h.ListAsync()).Keys).Generations);
        Assert.Equal(disk.ExposeId, generation.ExposeId);
        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => client.UpAsync(Ct));
        Assert.Equal(ExternalErrorKind.Unavailable, refused.Kind);
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_a_token_is_refused_before_anything_is_bound()
    {
        await using var h = new AgentHarness();
        var settings = h.Settings() with { Listen = [new ListenEndpoint(IPAddress.Any, 0)] };

        var refused = Assert.Throws<AgentConfigurationException>(() => AgentServer.Create(settings, _ => throw new InvalidOperationException("never made")));

        Assert.Contains("refusing to listen on 0.0.0.0:0 without a token", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(h.StoreOptions.DataDirectory));
        (settings with { Token = h.Faker.Random.AlphaNumeric(32) }).Validate();
    }
}
