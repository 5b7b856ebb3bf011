using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// Blacksmith's HTTP control plane on a loopback port, for agent-mode jobs: answers a build start with an id and
/// everything else with 200, and records each request's path, so a job never dials out and its reports are seen.
/// </summary>
internal sealed class FakeControlPlane : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<(string Path, string Body)> _bodies = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    /// <summary>"POST stickydisks/dockerbuilds" and so on, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Each request's path and JSON body, in arrival order.</summary>
    public IReadOnlyList<(string Path, string Body)> Bodies => [.. _bodies];

    /// <summary>When set, no request is ever answered: each waits until its client gives up (or the server stops).</summary>
    public bool NeverAnswers { get; set; }

    /// <summary>Waits until <paramref name="count"/> requests have arrived.</summary>
    public async Task WaitForRequestsAsync(int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await _arrived.WaitAsync(cancellationToken);
        }
    }

    public static async Task<FakeControlPlane> StartAsync()
    {
        var plane = new FakeControlPlane();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            var path = context.Request.Path.Value!.TrimStart('/');
            using (var reader = new StreamReader(context.Request.Body))
            {
                plane._bodies.Enqueue((path, await reader.ReadToEndAsync(context.RequestAborted)));
            }

            plane._requests.Enqueue($"{context.Request.Method} {path}");
            plane._arrived.Release();
            if (plane.NeverAnswers)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(path.EndsWith("stickydisks/dockerbuilds", StringComparison.Ordinal) ? """{"docker_build_id":"db-1"}""" : "{}");
        });
        await app.StartAsync();
        plane._app = app;
        plane.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");
        return plane;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _arrived.Dispose();
    }
}
