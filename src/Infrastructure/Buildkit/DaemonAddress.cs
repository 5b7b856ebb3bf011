using System.Net;
using System.Net.Sockets;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>Whether something already accepts connections at a buildkitd address (<c>tcp://</c> or <c>unix://</c>).</summary>
internal static class DaemonAddress
{
    /// <summary>
    /// Connects once and closes at once: true when the connection was accepted. A refusal, no socket file, a timeout,
    /// a permission error or an address of another scheme is false: in use is claimed only when proven.
    /// </summary>
    public static async Task<bool> AcceptsConnectionsAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return false;
        }

        EndPoint endpoint;
        Socket socket;
        switch (uri.Scheme)
        {
            case "tcp" when uri.Port > 0:
                endpoint = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, uri.Port) : new DnsEndPoint(uri.Host, uri.Port);
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                break;
            case "unix" when uri.AbsolutePath.Length > 1 && File.Exists(Uri.UnescapeDataString(uri.AbsolutePath)):
                endpoint = new UnixDomainSocketEndPoint(Uri.UnescapeDataString(uri.AbsolutePath));
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                break;
            default:
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
            catch (SocketException)
            {
                return false;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}
