using System.Net;
using System.Net.Sockets;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>Whether something already accepts connections at a buildkitd address (<c>tcp://</c> or <c>unix://</c>).</summary>
internal static class DaemonAddress
{
    // sun_path holds 108 bytes with the terminating NUL.
    private const int MaxSocketPathBytes = 107;

    /// <summary>Whether <see cref="AcceptsConnectionsAsync"/> can tell anything about <paramref name="address"/> (a <c>tcp://</c> or absolute <c>unix://</c> address).</summary>
    public static bool IsWatchable(string address) =>
        UnixSocketPath(address) is not null || (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0);

    /// <summary>
    /// Connects once and closes at once: true when the connection was accepted. A refusal, no socket file, a timeout,
    /// a permission error or an address of another scheme is false: in use is claimed only when proven.
    /// </summary>
    /// <param name="address">The daemon's address.</param>
    /// <param name="timeout">How long one connection attempt may take.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <param name="deniedIsListening">
    /// Count a socket this user may not connect to as listening: readiness then lets buildctl say what is wrong
    /// rather than waiting for a connection it will never be allowed.
    /// </param>
    public static async Task<bool> AcceptsConnectionsAsync(string address, TimeSpan timeout, CancellationToken cancellationToken, bool deniedIsListening = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        EndPoint endpoint;
        Socket socket;
        if (UnixSocketPath(address) is { } path)
        {
            // No socket file, or a path longer than a socket address holds: nothing can be listening there.
            if (!File.Exists(path) || System.Text.Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
            {
                return false;
            }

            endpoint = new UnixDomainSocketEndPoint(path);
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        else if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0)
        {
            endpoint = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, uri.Port) : new DnsEndPoint(uri.Host, uri.Port);
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        }
        else
        {
            return false;
        }

        using (socket)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endpoint, deadline.Token);
                return true;
            }
            catch (SocketException ex)
            {
                return deniedIsListening && ex.SocketErrorCode == SocketError.AccessDenied;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The socket path of a <c>unix://</c> address, taken as it is written: buildkitd and buildctl split the address at
    /// <c>://</c> and use the rest unescaped (<c>unix:///run/x.sock</c> is <c>/run/x.sock</c>). Null for other schemes
    /// and for a relative path, which would depend on each process's working directory.
    /// </summary>
    public static string? UnixSocketPath(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        const string scheme = "unix://";
        return address.StartsWith(scheme, StringComparison.Ordinal) && address.Length > scheme.Length + 1 && address[scheme.Length] == '/'
            ? address[scheme.Length..]
            : null;
    }
}
