using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Blacksmith.Testing;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// A real Prometheus server of this test's own: on 127.0.0.1 at a free port, its storage and generated config in a
/// temporary directory, scraping one target every second. Never the machine's Prometheus service (the package's, if it
/// runs): nothing here looks for or talks to it. Disposing it kills it and deletes the directory.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    /// <summary>Set to 1 where this test must run (CI installs Debian's prometheus package).</summary>
    public const string RequiredVariable = "BLACKSMITH_REQUIRE_PROMETHEUS";

    /// <summary>The scrape job's name, as the <c>job</c> label of what it scraped.</summary>
    public const string Job = "blacksmith-agent";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new();

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>The prometheus executable on PATH; null when there is none.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "prometheus"))
        .FirstOrDefault(File.Exists);

    /// <summary>Prometheus's own address (its HTTP API).</summary>
    public Uri Address { get; }

    /// <summary>What it logged, for a failure's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts it scraping <paramref name="target"/>'s <c>/metrics</c> every second, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri target, CancellationToken cancellationToken)
    {
        var executable = Executable ?? throw new InvalidOperationException(
            $"{RequiredVariable}=1 but there is no prometheus on PATH: apt-get install -y --no-install-recommends prometheus");
        var directory = Directory.CreateTempSubdirectory("blacksmith-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Host}:{target.Port}']
            """), cancellationToken);
        var address = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort()}"));
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address={address.Host}:{address.Port}",
                "--log.level=warn",
            },
        };
        var process = new Process { StartInfo = start };
        var server = new PrometheusServer(process, directory, address);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        try
        {
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            await server.WaitUntilAsync(async () => (await server._http.GetAsync(new Uri(address, "/-/ready"), cancellationToken)).IsSuccessStatusCode, () => "ready", cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs an instant query (<c>/api/v1/query</c>) and returns each series' labels and value; Prometheus's own errors
    /// (a query it cannot parse) throw with its words.
    /// </summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var uri = new Uri(Address, "/api/v1/query?query=" + Uri.EscapeDataString(query));
        using var reply = await _http.GetAsync(uri, cancellationToken);
        using var json = JsonDocument.Parse(await reply.Content.ReadAsStringAsync(cancellationToken));
        var root = json.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused '{query}': {root}");
        }

        return [.. root.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>Queries until <paramref name="query"/> gives <paramref name="expected"/> (one series), or a minute passes.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AwaitValueAsync(string query, double expected, CancellationToken cancellationToken)
    {
        IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> last = [];
        await WaitUntilAsync(
            async () => (last = await QueryAsync(query, cancellationToken)) is [var only] && only.Value == expected,
            () => $"{query} == {expected.ToString(CultureInfo.InvariantCulture)} (last: [{string.Join("; ", last.Select(s => s.Value))}])",
            cancellationToken);
        return last[0].Labels;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                BoundedWait.ForExit(_process, "prometheus to die after SIGKILL");
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    // Prometheus answers on its own schedule (a scrape a second): this polls its API, never sleeping past a deadline.
    private async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited ({_process.ExitCode}) before {what()}:\n{Log}");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"prometheus did not report {what()} within {StartTimeout}:\n{Log}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
