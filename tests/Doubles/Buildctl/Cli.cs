using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Blacksmith.Doubles.Buildctl;

internal static class Cli
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var address = Environment.GetEnvironmentVariable("BUILDKIT_HOST") is { Length: > 0 } host ? host : "unix:///run/buildkit/buildkitd.sock";
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--addr" when i + 1 < args.Length:
                    address = args[++i];
                    break;
                case var a when a.StartsWith("--addr=", StringComparison.Ordinal):
                    address = a["--addr=".Length..];
                    break;
                case "--debug":
                    break;
                default:
                    rest.AddRange(args[i..]);
                    i = args.Length;
                    break;
            }
        }

        return rest switch
        {
            ["debug", "workers", ..] => await WorkersAsync(address),
            ["prune", .. var options] => await PruneAsync(address, [.. options]),
            _ => Fail($"No help topic for '{string.Join(' ', rest)}'"),
        };
    }

    private static async Task<int> WorkersAsync(string address)
    {
        var (lines, error) = await AskAsync(address, DoubleProtocol.Workers);
        if (error is not null)
        {
            return Fail($"failed to list workers: {error}");
        }

        var rows = new List<string[]> { new[] { "ID", "PLATFORMS" } };
        rows.AddRange(lines.Where(l => l.StartsWith(DoubleProtocol.Worker + " ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', 3))
            .Select(p => new[] { p[1], p[2] }));
        await Console.Out.WriteAsync(TabTable.Format(rows));
        return 0;
    }

    private static async Task<int> PruneAsync(string address, string[] options)
    {
        double keepMegabytes = 0;
        for (var i = 0; i < options.Length; i++)
        {
            switch (options[i])
            {
                case "--keep-storage" when i + 1 < options.Length:
                    if (!double.TryParse(options[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out keepMegabytes))
                    {
                        return Fail($"invalid value \"{options[i]}\" for flag -keep-storage: parse error");
                    }

                    break;
                case "--keep-duration" or "--filter" or "-f" when i + 1 < options.Length:
                    i++;
                    break;
                case "--all" or "--verbose" or "-v":
                    break;
                default:
                    return Fail($"flag provided but not defined: {options[i]}");
            }
        }

        // buildctl: int64(keep-storage * 1e6).
        var keepBytes = (long)(keepMegabytes * 1e6);
        var (lines, error) = await AskAsync(address, $"{DoubleProtocol.Prune} {keepBytes.ToString(CultureInfo.InvariantCulture)}");
        if (error is not null)
        {
            return Fail(error);
        }

        var records = lines.Where(l => l.StartsWith(DoubleProtocol.Record + " ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        long total = 0;
        if (records.Count > 0)
        {
            var rows = new List<string[]> { new[] { "ID", "RECLAIMABLE", "SIZE", "LAST ACCESSED" } };
            foreach (var record in records)
            {
                var size = long.Parse(record[2], CultureInfo.InvariantCulture);
                total += size;
                rows.Add([record[1] + (record[3] == "1" ? "*" : string.Empty), "true", Units(size), string.Empty]);
            }

            await Console.Out.WriteAsync(TabTable.Format(rows));
        }

        await Console.Out.WriteAsync(TabTable.Format([["Total:", Units(total)]]));
        return 0;
    }

    /// <summary>tonistiigi/units Bytes with %.2f: decimal units, two decimals, plain bytes below 1 kB.</summary>
    private static string Units(long bytes)
    {
        string[] names = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        var unit = 0;
        double value = bytes;
        while (value >= 1000 && unit < names.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + "B"
            : value.ToString("0.00", CultureInfo.InvariantCulture) + names[unit];
    }

    private static async Task<(List<string> Lines, string? Error)> AskAsync(string address, string request)
    {
        if (DoubleAddress.Parse(address) is not { } target)
        {
            return ([], $"the test double connects to tcp://IP:PORT and unix:///path addresses only, not {address}");
        }

        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            var (socket, error) = await target.ConnectAsync(timeout.Token);
            if (socket is null)
            {
                return ([], $"rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: {target.Dial}: {error}\"");
            }

            await using var stream = new NetworkStream(socket, ownsSocket: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            await writer.WriteLineAsync(request);
            await writer.FlushAsync(timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = new List<string>();
            while (await reader.ReadLineAsync(timeout.Token) is { } line && line != DoubleProtocol.End)
            {
                if (line.StartsWith(DoubleProtocol.Error + " ", StringComparison.Ordinal))
                {
                    return ([], $"rpc error: code = Unknown desc = {line[(DoubleProtocol.Error.Length + 1)..]}");
                }

                lines.Add(line);
            }

            return (lines, null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return ([], $"rpc error: code = Unavailable desc = connection error: desc = \"transport: {ex.Message}\"");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
