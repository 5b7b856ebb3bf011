namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>One address a traced process tried to reach.</summary>
/// <param name="Family">The address family (<c>AF_INET</c>, <c>AF_INET6</c>, <c>AF_UNIX</c> …).</param>
/// <param name="Address">The IP address, or the socket path (<c>@…</c> for an abstract one).</param>
/// <param name="Port">The port, for IP addresses.</param>
/// <param name="Line">The trace line it came from.</param>
internal sealed record SocketTarget(string Family, string Address, int? Port, string Line)
{
    /// <summary>An IPv4 address, also as IPv6 maps it (a dual-mode socket reaching 127.0.0.1 shows ::ffff:127.0.0.1).</summary>
    public bool Is(string ipv4, int port) =>
        Port == port && ((Family == "AF_INET" && Address == ipv4) || (Family == "AF_INET6" && Address == "::ffff:" + ipv4));

    /// <summary>A unix socket under <paramref name="directory"/>.</summary>
    public bool IsUnder(string directory) =>
        Family == "AF_UNIX" && Address.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}
