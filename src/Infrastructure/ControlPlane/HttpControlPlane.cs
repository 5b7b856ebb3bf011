using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Blacksmith.Infrastructure.ControlPlane;

/// <summary>
/// Reports builds and failures to Blacksmith's control plane over HTTP. Network errors, timeouts and 5xx are
/// retried a bounded number of times with exponential backoff (honouring Retry-After); anything else, or running
/// out of retries, is a warning and a false/null answer. Reporting never fails a build.
/// </summary>
public sealed partial class HttpControlPlane : IControlPlane, IDisposable
{
    private readonly HttpClient _http;
    private readonly ControlPlaneOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger<HttpControlPlane> _logger;

    public HttpControlPlane(ControlPlaneOptions options, TimeProvider time, ILogger<HttpControlPlane> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }, disposeHandler: true)
        {
            BaseAddress = options.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }

        _http.DefaultRequestHeaders.Add("X-Github-Repo-Name", options.RepoName);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => (int)response.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public async Task<string?> ReportBuildStartedAsync(BuildStartReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = new BuildStartBody(report.DockerfilePath, _options.RepoName, _options.Region, _options.Arch, _options.GitSha, _options.VmId, _options.GitBranch);
        using var response = await PostAsync("stickydisks/dockerbuilds", body, ControlPlaneJsonContext.Default.BuildStartBody, cancellationToken);
        if (response is null)
        {
            return null;
        }

        try
        {
            var reply = await response.Content.ReadFromJsonAsync(ControlPlaneJsonContext.Default.BuildStartReply, cancellationToken);
            if (string.IsNullOrWhiteSpace(reply?.DockerBuildId))
            {
                LogBadReply(_logger, "stickydisks/dockerbuilds", "no docker_build_id");
                return null;
            }

            return reply.DockerBuildId;
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogBadReply(_logger, "stickydisks/dockerbuilds", ex.Message);
            return null;
        }
    }

    public async Task<bool> ReportBuildFinishedAsync(BuildFinishReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = new BuildFinishBody(
            report.DockerBuildId,
            report.Succeeded ? "successful" : "failed",
            report.RuntimeSeconds?.ToString(CultureInfo.InvariantCulture),
            report.Succeeded ? report.CachedStepsRatio : null);
        using var response = await PostAsync($"stickydisks/dockerbuilds/{Uri.EscapeDataString(report.DockerBuildId)}", body, ControlPlaneJsonContext.Default.BuildFinishBody, cancellationToken);
        return response is not null;
    }

    public async Task<bool> ReportFailureAsync(FailureReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = new FailureBody(report.CacheKey, _options.RepoName, _options.Region, _options.Arch, _options.VmId, _options.Petname, Type(report.Kind), $"{report.Event}: {report.Message}");
        using var response = await PostAsync("stickydisks/report-failed", body, ControlPlaneJsonContext.Default.FailureBody, cancellationToken);
        return response is not null;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Posts with retries; returns the successful response, or null (logged) when the report could not be made.</summary>
    private async Task<HttpResponseMessage?> PostAsync<T>(string path, T body, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async ct => await _http.PostAsync(path, JsonContent.Create(body, typeInfo), ct),
                cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            LogUnreachable(_logger, path, _options.MaxRetries + 1, ex.Message);
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            LogRefused(_logger, path, (int)response.StatusCode);
            response.Dispose();
            return null;
        }

        return response;
    }

    private TimeSpan Delay(int attempt, HttpResponseMessage? response)
    {
        var backoff = _options.BaseDelay * Math.Pow(2, attempt) * (1 + (Random.Shared.NextDouble() * 0.2));
        var retryAfter = response?.Headers.RetryAfter?.Delta;
        return retryAfter is { } after && after > backoff ? after : backoff;
    }

    private static string Type(FailureKind kind) => kind switch
    {
        FailureKind.BuilderStartup => "BUILDER_STARTUP",
        FailureKind.BuilderCleanup => "BUILDER_CLEANUP",
        FailureKind.StickyDiskSetup => "STICKYDISK_SETUP",
        FailureKind.StickyDiskCommit => "STICKYDISK_COMMIT",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Control plane {Path} unreachable after {Attempts} attempts; the report is dropped: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string path, int attempts, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Control plane {Path} refused the report with HTTP {Status}; it is dropped")]
    private static partial void LogRefused(ILogger logger, string path, int status);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Control plane {Path} answered without what a report needs ({Reason})")]
    private static partial void LogBadReply(ILogger logger, string path, string reason);
}
