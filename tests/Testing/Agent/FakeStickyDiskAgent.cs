using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Testing.Agent;

/// <summary>
/// A real gRPC sticky-disk agent on a loopback port of its own, for adapter and end-to-end tests. It speaks the
/// same proto over h2c as Blacksmith's agent, records every request (tokens included, so tests can check they
/// arrive), answers with configurable disks, and can be scripted per RPC to fail with a status, answer a plain
/// HTTP status as a proxy would, hold a call at a gate, reset the call's stream, or drop the whole connection.
/// </summary>
/// <remarks>
/// Scripts for one RPC run in the order given; each covers <c>times</c> calls, or every later call when
/// <c>times</c> is null, until <see cref="Answer"/> clears them. Unscripted calls succeed.
/// </remarks>
public sealed class FakeStickyDiskAgent : IAsyncDisposable
{
    internal const string BehaviourKey = "blacksmith.fake-agent.behaviour";

    private readonly Lock _lock = new();
    private readonly List<AgentRpc> _calls = [];
    private readonly List<(AgentRpc Rpc, string? Timeout)> _timeouts = [];
    private readonly List<RecordedExpose> _exposes = [];
    private readonly List<RecordedCommit> _commits = [];
    private readonly List<RecordedMetric> _metrics = [];
    private readonly Dictionary<AgentRpc, List<(AgentBehaviour Behaviour, int? Remaining)>> _scripts = [];
    private readonly ConcurrentDictionary<string, ConnectionContext> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private TaskCompletionSource _noConnections = Completed();
    private int _connectionsAccepted;

    private FakeStickyDiskAgent()
    {
    }

    /// <summary>Where the agent listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Answers <c>GetStickyDisk</c>; by default a fresh expose id and device for every request.</summary>
    public Func<RecordedExpose, AgentDisk> Disks { get; set; } = DefaultDisks();

    /// <summary>Every call that reached the agent, in order, including those a script failed.</summary>
    public IReadOnlyList<AgentRpc> Calls => Snapshot(_calls);

    /// <summary>
    /// The deadline each call that reached the agent carried, as its <c>grpc-timeout</c> header (<c>45000m</c>); null for a
    /// call without one, which runs until its caller cancels it.
    /// </summary>
    public IReadOnlyList<(AgentRpc Rpc, string? Timeout)> Timeouts => Snapshot(_timeouts);

    public IReadOnlyList<RecordedExpose> Exposes => Snapshot(_exposes);

    public IReadOnlyList<RecordedCommit> Commits => Snapshot(_commits);

    public IReadOnlyList<RecordedMetric> Metrics => Snapshot(_metrics);

    /// <summary>TCP connections accepted since the start.</summary>
    public int ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>TCP connections currently open.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Starts an agent on a free loopback port.</summary>
    public static async Task<FakeStickyDiskAgent> StartAsync(CancellationToken cancellationToken)
    {
        var agent = new FakeStickyDiskAgent();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            // Prior-knowledge HTTP/2 only, like the agent: a client that tries HTTP/1.1 fails here too.
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection => agent.TrackAsync(connection, next));
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new FakeAgentService(agent));

        var app = builder.Build();
        app.Use(agent.ScriptAsync);
        app.MapGrpcService<FakeAgentService>();
        await app.StartAsync(cancellationToken);

        agent._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        agent.Address = new Uri(address);
        return agent;
    }

    /// <summary>The next call(s) of <paramref name="rpc"/> fail with a gRPC status.</summary>
    public void FailWith(AgentRpc rpc, StatusCode code, string detail = "", int? times = null) =>
        Script(rpc, new AgentBehaviour(AgentBehaviour.Act.Fail, code, detail), times);

    /// <summary>The next call(s) of <paramref name="rpc"/> get a plain HTTP status, as from a proxy in front of the agent.</summary>
    public void AnswerHttpStatus(AgentRpc rpc, int httpStatus, int? times = null) =>
        Script(rpc, new AgentBehaviour(AgentBehaviour.Act.HttpStatus, HttpStatus: httpStatus), times);

    /// <summary>The next call(s) of <paramref name="rpc"/> are recorded, then wait at the returned gate.</summary>
    public AgentHold Hold(AgentRpc rpc, int? times = null)
    {
        var hold = new AgentHold();
        Script(rpc, new AgentBehaviour(AgentBehaviour.Act.Hold, Hold: hold), times);
        return hold;
    }

    /// <summary>The next call(s) of <paramref name="rpc"/> are recorded, then their TCP connection is aborted.</summary>
    public void DropConnection(AgentRpc rpc, int? times = null) =>
        Script(rpc, new AgentBehaviour(AgentBehaviour.Act.DropConnection), times);

    /// <summary>The next call(s) of <paramref name="rpc"/> are recorded, then their HTTP/2 stream is reset.</summary>
    public void ResetStream(AgentRpc rpc, int? times = null) =>
        Script(rpc, new AgentBehaviour(AgentBehaviour.Act.ResetStream), times);

    /// <summary>Clears the scripts of <paramref name="rpc"/>: its calls succeed again.</summary>
    public void Answer(AgentRpc rpc)
    {
        lock (_lock)
        {
            _scripts.Remove(rpc);
        }
    }

    /// <summary>Completes once no client connection is open (at once when none is).</summary>
    public Task WaitForNoConnectionsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _noConnections.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Held calls end first, so shutdown does not wait out Kestrel's grace period for them.
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(shutdown.Token);
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    internal AgentDisk Record(RecordedExpose request)
    {
        lock (_lock)
        {
            _exposes.Add(request);
        }

        return Disks(request);
    }

    internal void Record(RecordedCommit request)
    {
        lock (_lock)
        {
            _commits.Add(request);
        }
    }

    internal void Record(RecordedMetric request)
    {
        lock (_lock)
        {
            _metrics.Add(request);
        }
    }

    /// <summary>Acts out the script the middleware picked for this call, after the request has been recorded.</summary>
    internal async Task BehaveAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.Items[BehaviourKey] is not AgentBehaviour behaviour)
        {
            return;
        }

        switch (behaviour.What)
        {
            case AgentBehaviour.Act.Fail:
                throw new RpcException(new Status(behaviour.Code, behaviour.Detail));

            case AgentBehaviour.Act.Hold:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _stopping.Token))
                {
                    await behaviour.Hold!.WaitAsync(linked.Token);
                }

                return;

            case AgentBehaviour.Act.DropConnection:
                if (_connections.TryGetValue(http.Connection.Id, out var connection))
                {
                    connection.Abort(new ConnectionAbortedException("dropped by the fake agent's script"));
                }

                // No answer may escape before the abort lands, or the client would see a status instead of a drop.
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
                return;

            case AgentBehaviour.Act.ResetStream:
                http.Abort();
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
                return;

            default:
                throw new InvalidOperationException($"the fake agent cannot act out {behaviour.What} inside a call");
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private static Func<RecordedExpose, AgentDisk> DefaultDisks()
    {
        var count = 0;
        return _ =>
        {
            var n = Interlocked.Increment(ref count);
            return new AgentDisk(string.Create(CultureInfo.InvariantCulture, $"expose-{n}"), string.Create(CultureInfo.InvariantCulture, $"/dev/vd{(char)('a' + (n % 26))}"));
        };
    }

    private static AgentRpc? RpcOf(PathString path) => path.Value switch
    {
        "/stickydisk.v1.StickyDiskService/Up" => AgentRpc.Up,
        "/stickydisk.v1.StickyDiskService/GetStickyDisk" => AgentRpc.GetStickyDisk,
        "/stickydisk.v1.StickyDiskService/CommitStickyDisk" => AgentRpc.CommitStickyDisk,
        "/stickydisk.v1.StickyDiskService/ReportMetric" => AgentRpc.ReportMetric,
        _ => null,
    };

    private void Script(AgentRpc rpc, AgentBehaviour behaviour, int? times)
    {
        if (times is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "a script covers at least one call");
        }

        lock (_lock)
        {
            if (!_scripts.TryGetValue(rpc, out var queue))
            {
                _scripts[rpc] = queue = [];
            }

            queue.Add((behaviour, times));
        }
    }

    private List<T> Snapshot<T>(List<T> items)
    {
        lock (_lock)
        {
            return [.. items];
        }
    }

    // Runs before the gRPC endpoint: counts the call and picks its script, and answers proxy-style statuses itself
    // because those must never reach the gRPC layer.
    private async Task ScriptAsync(HttpContext http, RequestDelegate next)
    {
        if (RpcOf(http.Request.Path) is { } rpc)
        {
            AgentBehaviour? behaviour = null;
            lock (_lock)
            {
                _calls.Add(rpc);
                _timeouts.Add((rpc, http.Request.Headers["grpc-timeout"].FirstOrDefault()));
                if (_scripts.TryGetValue(rpc, out var queue) && queue.Count > 0)
                {
                    var (head, remaining) = queue[0];
                    behaviour = head;
                    if (remaining is { } left)
                    {
                        if (left == 1)
                        {
                            queue.RemoveAt(0);
                        }
                        else
                        {
                            queue[0] = (head, left - 1);
                        }
                    }
                }
            }

            if (behaviour is { What: AgentBehaviour.Act.HttpStatus })
            {
                http.Response.StatusCode = behaviour.HttpStatus;
                http.Response.ContentType = "text/plain";
                await http.Response.WriteAsync("the fake agent's proxy says no", http.RequestAborted);
                return;
            }

            http.Items[BehaviourKey] = behaviour;
        }

        await next(http);
    }

    private async Task TrackAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        lock (_lock)
        {
            if (_connections.IsEmpty)
            {
                _noConnections = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _connections[connection.ConnectionId] = connection;
            Interlocked.Increment(ref _connectionsAccepted);
        }

        try
        {
            await next(connection);
        }
        finally
        {
            lock (_lock)
            {
                _connections.TryRemove(connection.ConnectionId, out _);
                if (_connections.IsEmpty)
                {
                    _noConnections.TrySetResult();
                }
            }
        }
    }
}
