using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.ControlPlane;

public sealed class HttpControlPlaneTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly Faker _faker = new() { Random = new Randomizer(102) };

    [Fact]
    public async Task Build_start_is_reported_with_snake_case_facts_and_returns_the_build_id()
    {
        await using var server = new LoopbackHttpServer { DefaultBody = """{"docker_build_id":"db-42"}""" };
        var options = Options(server.BaseAddress);
        using var plane = new HttpControlPlane(options, TimeProvider.System, new ListLogger<HttpControlPlane>());

        var id = await plane.ReportBuildStartedAsync(new BuildStartReport("./Dockerfile"), Ct);

        Assert.Equal("db-42", id);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/stickydisks/dockerbuilds", request.Path);
        Assert.Equal($"Bearer {options.Token}", request.Authorization);
        Assert.Equal(options.RepoName, request.RepoName);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("./Dockerfile", body.RootElement.GetProperty("dockerfile_path").GetString());
        Assert.Equal(options.RepoName, body.RootElement.GetProperty("repo_name").GetString());
        Assert.Equal(options.VmId, body.RootElement.GetProperty("vm_id").GetString());
        Assert.Equal(options.GitSha, body.RootElement.GetProperty("git_sha").GetString());
    }

    [Fact]
    public async Task No_token_sends_no_Authorization_header_at_all()
    {
        await using var server = new LoopbackHttpServer();
        using var plane = new HttpControlPlane(Options(server.BaseAddress) with { Token = null }, TimeProvider.System, new ListLogger<HttpControlPlane>());

        await plane.ReportFailureAsync(new FailureReport(FailureKind.StickyDiskSetup, "key", "mount", "wrong fs type"), Ct);

        Assert.Null(Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_report_is_accepted()
    {
        await using var server = new LoopbackHttpServer();
        server.Script.Enqueue(new ScriptedAnswer(502));
        server.Script.Enqueue(new ScriptedAnswer(503));
        using var plane = new HttpControlPlane(Options(server.BaseAddress), TimeProvider.System, new ListLogger<HttpControlPlane>());

        var accepted = await plane.ReportBuildFinishedAsync(new BuildFinishReport("db-1", true, 12, 0.5), Ct);

        Assert.True(accepted);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Too_many_requests_is_not_retried_and_not_an_error()
    {
        await using var server = new LoopbackHttpServer();
        server.Script.Enqueue(new ScriptedAnswer(429, RetryAfterSeconds: 1));
        var logger = new ListLogger<HttpControlPlane>();
        using var plane = new HttpControlPlane(Options(server.BaseAddress), TimeProvider.System, logger);

        var accepted = await plane.ReportBuildFinishedAsync(new BuildFinishReport("db-1", false, 3, null), Ct);

        Assert.False(accepted);
        Assert.Single(server.Requests);
        Assert.Contains(logger.Messages, m => m.Contains("429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreachable_control_plane_gives_up_after_bounded_attempts_without_throwing()
    {
        var closedPort = FreePort();
        var options = Options(new Uri($"http://127.0.0.1:{closedPort}/")) with { MaxRetries = 2 };
        var logger = new ListLogger<HttpControlPlane>();
        using var plane = new HttpControlPlane(options, TimeProvider.System, logger);

        var id = await plane.ReportBuildStartedAsync(new BuildStartReport("Dockerfile"), Ct);

        Assert.Null(id);
        Assert.Contains(logger.Messages, m => m.Contains("after 3 attempts", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Messages, m => m.Contains(options.Token!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        await using var server = new LoopbackHttpServer { Gate = new TaskCompletionSource() };
        // Each attempt waits out its whole timeout (the server holds every answer), so the timeout is long enough for a
        // request to reach the server on a loaded machine: at 200 ms, an attempt could give up before it was even read.
        var options = Options(server.BaseAddress) with { AttemptTimeout = TimeSpan.FromSeconds(2), MaxRetries = 1 };
        using var plane = new HttpControlPlane(options, TimeProvider.System, new ListLogger<HttpControlPlane>());

        var accepted = await plane.ReportFailureAsync(new FailureReport(FailureKind.BuilderStartup, "key", "start", "boom"), Ct);

        Assert.False(accepted);
        // The client gave up on both attempts; the server may still be reading the second when it does.
        Assert.Equal(2, await server.WaitForRequestsAsync(2, TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Finish_report_sends_runtime_as_a_string_and_the_ratio_only_on_success()
    {
        await using var server = new LoopbackHttpServer();
        using var plane = new HttpControlPlane(Options(server.BaseAddress), TimeProvider.System, new ListLogger<HttpControlPlane>());

        await plane.ReportBuildFinishedAsync(new BuildFinishReport("db-7", true, 41, 0.75), Ct);
        await plane.ReportBuildFinishedAsync(new BuildFinishReport("db-8", false, 9, 0.75), Ct);

        var bodies = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["/stickydisks/dockerbuilds/db-7", "/stickydisks/dockerbuilds/db-8"], server.Requests.Select(r => r.Path));
        Assert.Equal("successful", bodies[0].GetProperty("conclusion").GetString());
        Assert.Equal("41", bodies[0].GetProperty("runtime_seconds").GetString());
        Assert.Equal(0.75, bodies[0].GetProperty("cached_steps_ratio").GetDouble());
        Assert.Equal("failed", bodies[1].GetProperty("conclusion").GetString());
        Assert.False(bodies[1].TryGetProperty("cached_steps_ratio", out _));
    }

    [Theory]
    [InlineData(FailureKind.BuilderStartup, "BUILDER_STARTUP")]
    [InlineData(FailureKind.BuilderCleanup, "BUILDER_CLEANUP")]
    [InlineData(FailureKind.StickyDiskSetup, "STICKYDISK_SETUP")]
    [InlineData(FailureKind.StickyDiskCommit, "STICKYDISK_COMMIT")]
    public async Task Failure_report_names_its_type_and_event(FailureKind kind, string type)
    {
        await using var server = new LoopbackHttpServer();
        var options = Options(server.BaseAddress);
        using var plane = new HttpControlPlane(options, TimeProvider.System, new ListLogger<HttpControlPlane>());
        var key = _faker.Internet.DomainWord();

        await plane.ReportFailureAsync(new FailureReport(kind, key, "commit", "agent unavailable"), Ct);

        using var body = JsonDocument.Parse(Assert.Single(server.Requests).Body);
        Assert.Equal(type, body.RootElement.GetProperty("type").GetString());
        Assert.Equal("commit: agent unavailable", body.RootElement.GetProperty("message").GetString());
        Assert.Equal(key, body.RootElement.GetProperty("stickydisk_key").GetString());
        Assert.Equal(options.Petname, body.RootElement.GetProperty("petname").GetString());
    }

    [Fact]
    public async Task Caller_cancellation_is_not_swallowed()
    {
        await using var server = new LoopbackHttpServer { Gate = new TaskCompletionSource() };
        using var plane = new HttpControlPlane(Options(server.BaseAddress), TimeProvider.System, new ListLogger<HttpControlPlane>());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var pending = plane.ReportBuildStartedAsync(new BuildStartReport("Dockerfile"), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public void Options_from_the_environment_follow_the_runner_variables()
    {
        var env = new Dictionary<string, string?>
        {
            ["BLACKSMITH_ENV"] = "staging-arm",
            ["BLACKSMITH_VM_ID"] = "vm-1",
            ["GITHUB_REPO_NAME"] = "acme/web",
        };

        var options = ControlPlaneOptions.FromEnvironment(name => env.GetValueOrDefault(name));

        Assert.Equal(new Uri("https://stagingapi.blacksmith.sh"), options.BaseAddress);
        Assert.Equal("arm64", options.Arch);
        Assert.Equal("eu-central", options.Region);
        Assert.Null(options.Token);
        Assert.Equal("acme/web", options.RepoName);
    }

    private ControlPlaneOptions Options(Uri baseAddress) =>
        new(baseAddress, _faker.Random.AlphaNumeric(32), $"{_faker.Internet.UserName()}/{_faker.Internet.DomainWord()}", "eu-central", "amd64",
            _faker.Random.Guid().ToString(), _faker.Random.Hexadecimal(40, string.Empty), "main", _faker.Internet.DomainWord())
        {
            BaseDelay = TimeSpan.FromMilliseconds(1),
        };

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
