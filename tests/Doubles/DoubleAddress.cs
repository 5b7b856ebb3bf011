using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Blacksmith.Doubles;

/// <summary>
/// A buildkitd address as BuildKit's own tools read it: split at <c>://</c>, the rest taken as it is (no URL
/// unescaping). <c>tcp://HOST:PORT</c> with an IP address, or <c>unix:///path</c>; the doubles know no other scheme.
/// </summary>
internal sealed record DoubleAddress(string Scheme, string Target)
{
    /// <summary>containerd's sys.CreateUnixSocket, which buildkitd listens through, refuses longer socket paths.</summary>
    public const int MaxSocketPathBytes = 104;

    public bool IsUnix => Scheme == "unix";

    public static DoubleAddress? Parse(string address)
    {
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }

        var parsed = new DoubleAddress(address[..separator], address[(separator + 3)..]);
        return parsed switch
        {
            { Scheme: "tcp" } when IPEndPoint.TryParse(parsed.Target, out _) => parsed,
            { Scheme: "unix", Target.Length: > 0 } => parsed,
            _ => null,
        };
    }

    public EndPoint EndPoint => IsUnix ? new UnixDomainSocketEndPoint(Target) : IPEndPoint.Parse(Target);

    /// <summary>How Go names the dial in its errors: <c>dial tcp 127.0.0.1:1234</c>, <c>dial unix /run/x.sock</c>.</summary>
    public string Dial => $"dial {Scheme} {Target}";

    public bool TooLong => IsUnix && Encoding.UTF8.GetByteCount(Target) > MaxSocketPathBytes;

    public Socket NewSocket() => IsUnix
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    /// <summary>Connects, or returns the reason as Go's dialer words it (<c>connect: connection refused</c>).</summary>
    public async Task<(Socket? Socket, string? Error)> ConnectAsync(CancellationToken cancellationToken)
    {
        if (IsUnix && !File.Exists(Target))
        {
            return (null, "connect: no such file or directory");
        }

        var socket = NewSocket();
        try
        {
            await socket.ConnectAsync(EndPoint, cancellationToken);
            return (socket, null);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return (null, ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connect: connection refused",
                SocketError.AccessDenied => "connect: permission denied",
                _ => ex.Message,
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
