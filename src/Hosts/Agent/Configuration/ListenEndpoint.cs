using System.Globalization;
using System.Net;

namespace Blacksmith.Agent.Configuration;

/// <summary>
/// One address the agent listens on: an IP address (or <c>localhost</c>, both loopback families) and a TCP port
/// (0: any free one, for tests). Host names other than localhost are refused: what is bound must be obvious, because
/// anything beyond loopback needs a token.
/// </summary>
/// <param name="Address">The address; null for <c>localhost</c>.</param>
/// <param name="Port">The TCP port, 0-65535.</param>
public sealed record ListenEndpoint(IPAddress? Address, int Port)
{
    /// <summary>Blacksmith's agent listens on 5557; runners default to it.</summary>
    public const int DefaultPort = 5557;

    /// <summary>127.0.0.1:5557.</summary>
    public static ListenEndpoint Default { get; } = new(IPAddress.Loopback, DefaultPort);

    /// <summary>Whether only this machine can reach it.</summary>
    public bool IsLoopback => Address is null || IPAddress.IsLoopback(Address);

    /// <summary>
    /// Parses <c>127.0.0.1:5557</c>, <c>[::1]:5557</c>, <c>localhost:5557</c>, <c>0.0.0.0:5557</c>, or a bare address
    /// (port 5557).
    /// </summary>
    /// <param name="text">The address.</param>
    /// <param name="defaultPort">The port of a bare address: 5557 for the API, another for the metrics listener.</param>
    /// <exception cref="FormatException">It is none of those.</exception>
    public static ListenEndpoint Parse(string text, int defaultPort = DefaultPort)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        var (host, portText) = Split(value);
        var port = defaultPort;
        if (portText is not null && !TryPort(portText, out port))
        {
            throw new FormatException($"'{text}' is not a listen address: '{portText}' is not a TCP port (0-65535)");
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenEndpoint(null, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new ListenEndpoint(address, port)
            : throw new FormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"'{text}' is not a listen address: expected ADDRESS:PORT with an IP address or localhost, e.g. 127.0.0.1:{defaultPort} or [::1]:{defaultPort}"));
    }

    /// <summary>How it is written in logs and errors: <c>127.0.0.1:5557</c>, <c>[::1]:5557</c>, <c>localhost:5557</c>.</summary>
    public override string ToString() => Address switch
    {
        null => string.Create(CultureInfo.InvariantCulture, $"localhost:{Port}"),
        _ => new IPEndPoint(Address, Port).ToString(),
    };

    // "[v6]:port", "[v6]", "v4:port", "host:port", or a bare address (an IPv6 one without brackets has no port).
    private static (string Host, string? Port) Split(string value)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return (value, null);
            }

            var after = value[(close + 1)..];
            return (value[1..close], after.StartsWith(':') ? after[1..] : after.Length == 0 ? null : after);
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || colon != value.LastIndexOf(':')
            ? (value, null)
            : (value[..colon], value[(colon + 1)..]);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
