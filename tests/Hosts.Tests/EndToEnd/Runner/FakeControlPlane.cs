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
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    /// <summary>"POST stickydisks/dockerbuilds" and so on, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

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
            plane._requests.Enqueue($"{context.Request.Method} {path}");
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
    }
}
