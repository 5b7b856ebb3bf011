using System.Net.Sockets;
using System.Text;

namespace Blacksmith.Doubles.Docker;

/// <summary>The remote driver's connection to buildkitd: here, one request of the buildkitd double's line protocol.</summary>
internal static class RemoteDaemon
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The workers' platforms, or null and the error buildx would show when the daemon does not answer.</summary>
    public static async Task<(IReadOnlyList<string>? Platforms, string? Error)> WorkersAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (DoubleAddress.Parse(endpoint) is not { } target)
        {
            return (null, $"the test double reaches tcp://IP:PORT and unix:///path endpoints only, not {endpoint}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var (socket, error) = await target.ConnectAsync(timeout.Token);
            if (socket is null)
            {
                return (null, $"connection error: desc = \"transport: Error while dialing: {target.Dial}: {error}\"");
            }

            await using var stream = new NetworkStream(socket, ownsSocket: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            await writer.WriteLineAsync(DoubleProtocol.Workers);
            await writer.FlushAsync(timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var platforms = new List<string>();
            while (await reader.ReadLineAsync(timeout.Token) is { } line && line != DoubleProtocol.End)
            {
                if (line.StartsWith(DoubleProtocol.Worker + " ", StringComparison.Ordinal) && line.Split(' ', 3) is [_, _, var list])
                {
                    platforms.AddRange(list.Split(',').Where(p => !platforms.Contains(p)));
                }
            }

            return (platforms, null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return (null, $"connection error: desc = \"transport: {ex.Message}\"");
        }
    }
}
