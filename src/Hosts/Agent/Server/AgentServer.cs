using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Metrics;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leases;
using Blacksmith.Steps.Leftovers;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Blacksmith.Agent.Server;

/// <summary>
/// The agent: Kestrel serving <c>stickydisk.v1.StickyDiskService</c> and <c>grpc.health.v1.Health</c> over HTTP/2
/// (cleartext, or TLS when a certificate is configured) from one sticky-disk store.
/// </summary>
/// <remarks>
/// Stopping (SIGTERM or SIGINT through the host's console lifetime, or <see cref="StopAsync"/>) first reports
/// NOT_SERVING, then stops accepting connections and sends HTTP/2 GOAWAY, then waits for the calls in flight, up to
/// <see cref="AgentSettings.ShutdownTimeout"/>. A commit that is still running when that runs out is cut off as a
/// crash would cut it: the store publishes a generation with one rename after the clone is flushed, so the last
/// committed generation is never damaged, and the next start finishes or undoes the half-done commit (docs/agent.md).
/// </remarks>
public sealed class AgentServer : IAsyncDisposable
{
    /// <summary>The service name health checks ask about (the empty name means the whole server).</summary>
    public const string ServiceName = "stickydisk.v1.StickyDiskService";

    private readonly WebApplication _app;
    private readonly AgentSettings _settings;
    private readonly HealthServiceImpl _health;
    private readonly ILogger _logger;

    private readonly Func<ListenOptions?> _metricsListener;

    private AgentServer(WebApplication app, AgentSettings settings, HealthServiceImpl health, Func<ListenOptions?> metricsListener)
    {
        _app = app;
        _settings = settings;
        _health = health;
        _metricsListener = metricsListener;
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Blacksmith.Agent");
    }

    /// <summary>Where the agent listens, once started: <c>http://127.0.0.1:5557</c>, or <c>https://…</c> with TLS.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>Where <c>/metrics</c> is served once started (<c>http://127.0.0.1:9557</c>); null when it is not.</summary>
    public Uri? MetricsAddress { get; private set; }

    /// <summary>The store calls are served from.</summary>
    public IStickyDiskStore Store => _app.Services.GetRequiredService<IStickyDiskStore>();

    /// <summary>Fires when a stop begins (a signal, or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>
    /// Checks <paramref name="settings"/> and builds the agent; nothing is bound until <see cref="StartAsync"/>.
    /// </summary>
    /// <param name="settings">How to serve.</param>
    /// <param name="store">Makes the store, from the agent's services (logging, <see cref="ProcessRunner"/>, <see cref="TimeProvider"/>). The agent disposes it.</param>
    /// <param name="logging">Configures logging; the default writes single lines to stderr.</param>
    /// <param name="time">The agent's clock (metric rates, the lease check); the system's by default. Tests pass a fake one.</param>
    /// <exception cref="AgentConfigurationException">The settings are refused, or the TLS certificate cannot be loaded.</exception>
    public static AgentServer Create(AgentSettings settings, Func<IServiceProvider, IStickyDiskStore> store, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(store);
        settings.Validate();
        var certificate = settings.TlsCertificatePath is { } certificatePath ? LoadCertificate(certificatePath, settings.TlsKeyPath) : null;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        (logging ?? DefaultLogging(settings.Verbose))(builder.Logging);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
        ListenOptions? metricsListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (settings.MetricsListen is { } metrics)
            {
                // HTTP/1.1, as Prometheus scrapes, and never TLS: loopback by default, and nothing secret is on it.
                void Metrics(ListenOptions listen)
                {
                    listen.Protocols = HttpProtocols.Http1;
                    metricsListener = listen;
                }

                if (metrics.Address is null)
                {
                    kestrel.ListenLocalhost(metrics.Port, Metrics);
                }
                else
                {
                    kestrel.Listen(metrics.Address, metrics.Port, Metrics);
                }
            }

            foreach (var endpoint in settings.Listen)
            {
                void Configure(ListenOptions listen)
                {
                    // HTTP/2 only: with no TLS that is prior-knowledge h2c, which is how the actions and the engine call the agent.
                    listen.Protocols = HttpProtocols.Http2;
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                }

                if (endpoint.Address is null)
                {
                    kestrel.ListenLocalhost(endpoint.Port, Configure);
                }
                else
                {
                    kestrel.Listen(endpoint.Address, endpoint.Port, Configure);
                }
            }
        });

        builder.Services.AddGrpc(grpc =>
        {
            // Every message of this API is a few hundred bytes; nothing larger has a reason to be read.
            grpc.MaxReceiveMessageSize = 64 * 1024;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<MetricAdmission>();
        builder.Services.AddSingleton<AgentMeter>();
        builder.Services.AddSingleton(services => new MetricsCollector(services.GetRequiredService<AgentMeter>().Meter));
        builder.Services.AddSingleton<StoreGauges>();
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddSingleton<ProcessRunner>();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new AgentAccess(settings.Token));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IDeviceUsage, HostDeviceUsage>();
        builder.Services.AddSingleton<LeaseService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LeaseService>());

        var health = new HealthServiceImpl();
        builder.Services.AddSingleton(health);
        var app = builder.Build();
        app.MapGrpcService<StickyDiskAgentService>();
        app.MapGrpcService<HealthServiceImpl>();
        if (settings.MetricsListen is not null)
        {
            // The listener first, then the instruments it listens to, so that the failure counters start at zero.
            _ = app.Services.GetRequiredService<MetricsCollector>();
            _ = app.Services.GetRequiredService<StoreGauges>();
            app.Services.GetRequiredService<AgentMeter>().Initialize();
            app.MapGet("/metrics", (RequestDelegate)app.Services.GetRequiredService<MetricsEndpoint>().ServeAsync);
        }

        return new AgentServer(app, settings, health, () => metricsListener);
    }

    /// <summary>
    /// Opens the store (which cleans up what a crash left, before any job is served), binds, and reports SERVING.
    /// </summary>
    /// <exception cref="ExternalCallException">The store cannot be opened.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Store.UpAsync(cancellationToken);
        _app.Lifetime.ApplicationStopping.Register(() =>
        {
            // Probes see the agent going before its listeners close, so a supervisor stops sending it work.
            _health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);
            _health.SetStatus(ServiceName, HealthCheckResponse.Types.ServingStatus.NotServing);
            AgentLog.Stopping(_logger, _settings.ShutdownTimeout);
        });
        _app.Lifetime.ApplicationStopped.Register(() => AgentLog.Stopped(_logger));
        await _app.StartAsync(cancellationToken);
        var bound = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address))
            .ToList();
        if (_settings.MetricsListen is { } metrics)
        {
            // Kestrel writes the port it bound (a free one for port 0) back into the listener's endpoint.
            var port = (_metricsListener()?.EndPoint as System.Net.IPEndPoint)?.Port ?? metrics.Port;
            _app.Services.GetRequiredService<MetricsEndpoint>().Port = port;
            MetricsAddress = bound.FirstOrDefault(address => address.Port == port);
            bound.RemoveAll(address => address.Port == port);
            var served = MetricsAddress?.ToString().TrimEnd('/') ?? metrics.ToString();
            AgentLog.ServingMetrics(_logger, served);
        }

        Addresses = bound;
        _health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        _health.SetStatus(ServiceName, HealthCheckResponse.Types.ServingStatus.Serving);
        var store = Store;
        var security = (_settings.UsesTls ? "TLS" : "cleartext HTTP/2") + (_settings.Token is null ? ", no token" : ", token required");
        var addresses = string.Join(", ", Addresses);
        AgentLog.Listening(_logger, addresses, security, store.Kind, _settings.Store.DataDirectory);
        if (store is IExposureLeases && _settings.Store.ExposureLease is { } lease)
        {
            var (leased, every) = (JobEnd.Describe(lease), JobEnd.Describe(_settings.LeaseCheckInterval));
            AgentLog.Leasing(_logger, leased, every);
        }
    }

    /// <summary>
    /// The exposures the next lease check (the next to begin after this call) judged, and what it released. Tests advance
    /// the agent's clock by the check interval and wait on this.
    /// </summary>
    public Task<IReadOnlyList<LeaseReview>> NextLeaseCheckAsync() => _app.Services.GetRequiredService<LeaseService>().NextCheckAsync();

    /// <summary>Logs a configuration warning found before the logger existed.</summary>
    public void Warn(string warning) => AgentLog.ConfigurationWarning(_logger, warning);

    /// <summary>Completes when a stop has begun (a signal) and finished.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops as a signal would: refuse new calls, let the ones in flight finish (up to the shutdown timeout).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static Action<ILoggingBuilder> DefaultLogging(bool verbose) => logging =>
    {
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        // stderr only: stdout stays free for nothing but what a supervisor might parse one day.
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Grpc", LogLevel.Warning);
        // A host that fails to start logs the exception with its stack; Program reports it in one line instead.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    };

    private static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new AgentConfigurationException(
                $"cannot load the TLS certificate {certificatePath}{(keyPath is null ? "" : $" with key {keyPath}")}: {ex.Message} (expected PEM files)", ex);
        }
    }
}
