using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Agent.Configuration;

/// <summary>
/// Everything the agent is started with (docs/agent.md). Built from flags and the environment by
/// <see cref="AgentCommandLine"/>, or by hand in tests. <see cref="Validate"/> is the one place that refuses a
/// configuration before anything is bound.
/// </summary>
public sealed record AgentSettings
{
    /// <summary>Where the local store keeps its generations, and how.</summary>
    public required LocalStoreOptions Store { get; init; }

    /// <summary>Which store serves the disks: this host's local store (the default) or the Ceph store in <see cref="Ceph"/>.</summary>
    public AgentBackend Backend { get; init; } = AgentBackend.Local;

    /// <summary>The cluster, pool and namespace with <see cref="AgentBackend.Ceph"/>; its data directory is <see cref="Store"/>'s.</summary>
    public CephStoreOptions? Ceph { get; init; }

    /// <summary>The addresses to listen on; loopback 127.0.0.1:5557 by default.</summary>
    public IReadOnlyList<ListenEndpoint> Listen { get; init; } = [ListenEndpoint.Default];

    /// <summary>
    /// The bearer token every disk call must carry (in <c>authorization: Bearer</c> metadata or the request's
    /// <c>sticky_disk_token</c>); null: no token, which only loopback addresses allow. Secret: never printed.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>A PEM certificate (chain) to serve TLS with; null: cleartext HTTP/2 (h2c), as Blacksmith's agent speaks.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>; null when the certificate file holds it too.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>
    /// How long a stop waits for calls in flight (commits above all) before it gives up on them. Long, because a
    /// commit cut short is only finished at the next start.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the agent checks the leases of its exposures (<see cref="LocalStoreOptions.ExposureLease"/>, set in
    /// <see cref="Store"/>) and releases those that ran out and that nothing uses (docs/agent.md, "Leases").
    /// </summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where <c>/metrics</c> is served in the Prometheus format, over plain HTTP/1.1 and apart from the API; null (the
    /// default): nowhere.
    /// </summary>
    public ListenEndpoint? MetricsListen { get; init; }

    /// <summary>Whether <see cref="MetricsListen"/> may be an address beyond loopback (<c>--metrics-allow-remote</c>).</summary>
    public bool MetricsAllowRemote { get; init; }

    /// <summary>Whether debug events are logged.</summary>
    public bool Verbose { get; init; }

    /// <summary>Whether TLS is configured.</summary>
    public bool UsesTls => TlsCertificatePath is not null;

    /// <summary>Refuses a configuration that would be unsafe or cannot work, naming what to change.</summary>
    /// <exception cref="AgentConfigurationException">The configuration is refused.</exception>
    public void Validate()
    {
        if (Listen.Count == 0)
        {
            throw new AgentConfigurationException("no listen address is configured (expected at least one --listen)");
        }

        var exposed = Listen.Where(endpoint => !endpoint.IsLoopback).ToList();
        if (exposed.Count > 0 && string.IsNullOrEmpty(Token))
        {
            throw new AgentConfigurationException(
                $"refusing to listen on {string.Join(", ", exposed)} without a token: any machine that reaches that address could expose, commit and "
                + $"overwrite sticky disks. Configure one with --token-file or {AgentCommandLine.TokenVariable}, or listen on loopback only");
        }

        if (Token is { } token && (token.Length < 16 || token.Any(char.IsWhiteSpace)))
        {
            throw new AgentConfigurationException("the token is too weak: expected at least 16 characters without whitespace (e.g. `openssl rand -hex 32`)");
        }

        if (TlsKeyPath is not null && TlsCertificatePath is null)
        {
            throw new AgentConfigurationException("a TLS key was given without a certificate (expected --tls-cert with --tls-key)");
        }

        if (Store.ExposureLease is { } lease && lease < TimeSpan.FromMinutes(1))
        {
            throw new AgentConfigurationException(string.Create(CultureInfo.InvariantCulture, $"the exposure lease must be at least 1 minute, not {lease}; it should outlast the longest job"));
        }

        if (LeaseCheckInterval < TimeSpan.FromSeconds(1))
        {
            throw new AgentConfigurationException(string.Create(CultureInfo.InvariantCulture, $"the lease check interval must be at least 1 second, not {LeaseCheckInterval}"));
        }

        if (MetricsListen is { IsLoopback: false } remote && !MetricsAllowRemote)
        {
            throw new AgentConfigurationException(
                $"refusing to serve metrics on {remote}, beyond loopback: anyone who reaches it reads them, without a token. Add --metrics-allow-remote "
                + "to mean it, or listen on 127.0.0.1");
        }

        if (MetricsListen is { Port: > 0 } metrics && Listen.Any(endpoint => endpoint.Port == metrics.Port && Overlaps(endpoint, metrics)))
        {
            throw new AgentConfigurationException($"--metrics-listen {metrics} is also an API address (--listen); give the metrics a port of their own");
        }

        if (Backend == AgentBackend.Ceph && Ceph is null)
        {
            throw new AgentConfigurationException("--backend ceph needs the cluster's configuration (--ceph-conf and --ceph-pool)");
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            throw new AgentConfigurationException(string.Create(CultureInfo.InvariantCulture, $"the shutdown timeout must be positive, not {ShutdownTimeout}"));
        }
    }

    // Two endpoints on one port collide when either is a wildcard, localhost, or they are the same address.
    private static bool Overlaps(ListenEndpoint a, ListenEndpoint b) =>
        a.Address is null || b.Address is null || a.Address.Equals(b.Address)
        || a.Address.Equals(System.Net.IPAddress.Any) || b.Address.Equals(System.Net.IPAddress.Any)
        || a.Address.Equals(System.Net.IPAddress.IPv6Any) || b.Address.Equals(System.Net.IPAddress.IPv6Any);

    // The generated ToString would print the token into any log line that mentions the settings.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Store = {Store}, Backend = {Backend}, Ceph = {Ceph}, Listen = [{string.Join(", ", Listen)}], Token = {(Token is null ? "(none)" : "(set)")}, ");
        builder.Append(CultureInfo.InvariantCulture, $"TlsCertificatePath = {TlsCertificatePath}, TlsKeyPath = {TlsKeyPath}, ShutdownTimeout = {ShutdownTimeout}, LeaseCheckInterval = {LeaseCheckInterval}, MetricsListen = {MetricsListen?.ToString() ?? "(off)"}, MetricsAllowRemote = {MetricsAllowRemote}, Verbose = {Verbose}");
        return true;
    }
}
