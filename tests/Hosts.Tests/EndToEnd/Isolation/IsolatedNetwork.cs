using System.Diagnostics;
using System.Globalization;

namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>
/// A named network namespace with nothing but loopback, whose resolver is a loopback address too: every process run
/// through <see cref="Exec"/> shares it (a job and its agent can talk), no route leads anywhere else, and a DNS lookup
/// goes to 127.0.0.1:53 in the namespace, where a trace sees it. <c>ip netns exec</c> bind-mounts
/// <c>/etc/netns/&lt;name&gt;/resolv.conf</c> over <c>/etc/resolv.conf</c> (in a mount namespace of its own, which also
/// keeps the job's mounts there). Deleted with its resolver file on dispose.
/// </summary>
internal sealed class IsolatedNetwork : IAsyncDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private IsolatedNetwork(string name)
    {
        Name = name;
    }

    public string Name { get; }

    private string EtcDirectory => Path.Combine("/etc/netns", Name);

    public static async Task<IsolatedNetwork> CreateAsync()
    {
        var network = new IsolatedNetwork(string.Create(CultureInfo.InvariantCulture, $"blacksmith-test-{Environment.ProcessId}-{Guid.NewGuid():N}")[..40]);
        try
        {
            await RunAsync("ip", "netns", "add", network.Name);
            await RunAsync("ip", "netns", "exec", network.Name, "ip", "link", "set", "lo", "up");
            Directory.CreateDirectory(network.EtcDirectory);
            await File.WriteAllTextAsync(Path.Combine(network.EtcDirectory, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary><paramref name="command"/> run inside the namespace.</summary>
    public IReadOnlyList<string> Exec(IReadOnlyList<string> command) => ["ip", "netns", "exec", Name, .. command];

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("ip", "netns", "delete", Name);
        }
        finally
        {
            if (Directory.Exists(EtcDirectory))
            {
                Directory.Delete(EtcDirectory, recursive: true);
            }

            RemoveIfEmpty("/etc/netns");
        }
    }

    // /etc/netns exists only for namespaces' resolver files; another namespace's file keeps it.
    private static void RemoveIfEmpty(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (IOException)
        {
            // Something was put there meanwhile: it is not ours to remove.
        }
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(ToolTimeout);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        _ = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {await errors}");
        }
    }
}
