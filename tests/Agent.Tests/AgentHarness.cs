using System.Net;
using System.Net.Sockets;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Server;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Bogus;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Blacksmith.Testing;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// One agent on a free loopback port, in this process, over a local store in a fresh data directory; clients of it
/// (the engine's own, and a raw one for what the engine never sends); and the store's view for checking what it
/// kept. Disposing it stops the agent and deletes the directory.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<IDisposable> _stores = [];
    private AgentServer? _server;

    public AgentHarness(LocalStoreMode mode = LocalStoreMode.Directory, int seed = 1, TimeSpan? lease = null)
    {
        Root = Directory.CreateTempSubdirectory("blacksmith-agent-tests-").FullName;
        StoreOptions = new LocalStoreOptions(Path.Combine(Root, "data")) { Mode = mode, DiskSizeBytes = 8 * 1024 * 1024, ExposureLease = lease };
        Faker = new Faker { Random = new Randomizer(seed) };
    }

    /// <summary>The test's own directory; everything it makes is under it.</summary>
    public string Root { get; }

    public LocalStoreOptions StoreOptions { get; }

    public Faker Faker { get; }

    public ProcessRunner Runner { get; } = new(NullLogger<ProcessRunner>.Instance, TimeProvider.System);

    public AgentServer Server => _server ?? throw new InvalidOperationException("the agent has not started");

    public Uri Address => Server.Addresses.Single();

    /// <summary>Settings for an agent on a free loopback port over this harness's store.</summary>
    public AgentSettings Settings(string? token = null) => new()
    {
        Store = StoreOptions,
        Listen = [new ListenEndpoint(IPAddress.Loopback, 0)],
        Token = token,
        ShutdownTimeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>A cache key of the shape workflows use (owner/repo).</summary>
    public string NewKey() => $"{Faker.Random.AlphaNumeric(8)}/{Faker.Random.AlphaNumeric(6)}";

    /// <summary>The local store the agent serves from, as the program makes it.</summary>
    public LocalStickyDiskStore NewStore()
    {
        var store = new LocalStickyDiskStore(StoreOptions, Runner, TimeProvider.System, NullLogger<LocalStickyDiskStore>.Instance);
        _stores.Add(store);
        return store;
    }

    /// <summary>The agent's log, as lines it wrote (formatted messages), for tests that read what it logged.</summary>
    public FakeLogCollector Logs { get; } = new();

    /// <summary>
    /// Starts the agent; <paramref name="wrap"/> may put a decorator around the real store. <paramref name="clock"/> is the
    /// agent's own clock (metric rates, the lease check); the store keeps the system's. <paramref name="logging"/> sees its
    /// log too.
    /// </summary>
    public async Task<AgentServer> StartAsync(AgentSettings settings, Func<IStickyDiskStore, IStickyDiskStore>? wrap = null, TimeProvider? clock = null, ILoggerProvider? logging = null)
    {
        _server = AgentServer.Create(settings, _ => (wrap ?? (s => s))(NewStore()), builder =>
        {
            builder.AddProvider(new FakeLoggerProvider(Logs));
            if (logging is not null)
            {
                builder.AddProvider(logging);
            }
        }, clock);
        await _server.StartAsync(TestContext.Current.CancellationToken);
        return _server;
    }

    /// <summary>The engine's client, as setup and post make it from BLACKSMITH_AGENT_ADDRESS.</summary>
    public AgentStickyDiskStore Client(string token = "")
    {
        var options = AgentOptions.FromEnvironment(name => name switch
        {
            AgentOptions.AddressVariable => Address.ToString(),
            AgentOptions.TokenVariable => token,
            AgentOptions.RepoNameVariable => "acme/widgets",
            _ => null,
        });
        var client = new AgentStickyDiskStore(options);
        _owned.Add(client);
        return client;
    }

    /// <summary>
    /// A plain gRPC channel to the agent, for calls the engine's client cannot make; with <paramref name="from"/>, its
    /// connections come from that loopback address (127.0.0.2 is another caller to the agent than 127.0.0.1).
    /// </summary>
    public GrpcChannel Channel(IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler();
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        _owned.Add(channel);
        return channel;
    }

    /// <summary>Settings for an agent that also serves <c>/metrics</c>, on another free loopback port.</summary>
    public AgentSettings MetricsSettings(string? token = null) => Settings(token) with { MetricsListen = new ListenEndpoint(IPAddress.Loopback, 0) };

    /// <summary>GET /metrics over HTTP/1.1, as Prometheus scrapes: the reply's content type and body.</summary>
    public async Task<(string? ContentType, string Body)> ScrapeAsync()
    {
        using var http = new HttpClient();
        using var reply = await http.GetAsync(new Uri(Server.MetricsAddress!, "/metrics"), TestContext.Current.CancellationToken);
        reply.EnsureSuccessStatusCode();
        return (reply.Content.Headers.ContentType?.ToString(), await reply.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A scrape, read back by the strict parser.</summary>
    public async Task<PrometheusExposition> MetricsAsync() => PrometheusExposition.Parse((await ScrapeAsync()).Body);

    /// <summary>What the store holds, read by an administrator's view of the data directory.</summary>
    public async Task<LocalStoreListing> ListAsync()
    {
        using var admin = new LocalStoreAdmin(StoreOptions, Runner, TimeProvider.System, NullLogger<LocalStoreAdmin>.Instance);
        return await admin.ListAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }

        // After the agent: a decorated store is not the agent's to dispose. Disposing twice is harmless.
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (StoreOptions.Mode == LocalStoreMode.LoopDevice)
        {
            DetachLoopDevicesUnderRoot();
        }

        Directory.Delete(Root, recursive: true);
    }

    // A test that failed half-way may leave a device attached to an image under Root; the store would detach it on
    // its next start, but there is none.
    private void DetachLoopDevicesUnderRoot()
    {
        var list = Run("losetup", "--list", "--noheadings", "--raw", "--output", "NAME,BACK-FILE");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', 2);
            if (fields.Length == 2 && fields[1].StartsWith(Root, StringComparison.Ordinal))
            {
                Run("losetup", "--detach", fields[0]);
            }
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd();
        _ = process.StandardError.ReadToEnd();
        BoundedWait.ForExit(process, $"{program} to exit");
        return output;
    }
}
