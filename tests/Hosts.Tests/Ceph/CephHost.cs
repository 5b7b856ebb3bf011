using System.Diagnostics;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Testing;
using Blacksmith.Testing.Agent;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// One runner host of a fleet, as the tests play it: its own data directory (under the cluster's directory, so the
/// cluster's teardown finds anything it leaves) and its own blacksmith-agent on a loopback port, all agents on one
/// cluster and namespace. Disposing it stops its agent and takes away its mounts, loop devices and rbd-fuse processes.
/// </summary>
internal sealed class CephHost : IAsyncDisposable
{
    private readonly CephTestCluster _cluster;
    private readonly string _namespace;
    private AgentProcess? _agent;

    public CephHost(CephTestCluster cluster, string @namespace, string name)
    {
        _cluster = cluster;
        _namespace = @namespace;
        DataDirectory = Path.Combine(cluster.Directory, "hosts", @namespace, name);
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public Uri Address { get; private set; } = new("http://127.0.0.1:9");

    public AgentProcess Agent => _agent ?? throw new InvalidOperationException("The agent is not started.");

    /// <summary>The arguments a fleet host's agent runs with (docs/agent.md), on loopback with any free port.</summary>
    public IReadOnlyList<string> Arguments(string? configFile = null) =>
    [
        "--backend", "ceph", "--ceph-conf", configFile ?? _cluster.ConfigFile, "--ceph-keyring", _cluster.Keyring, "--ceph-pool", CephTestCluster.Pool,
        "--ceph-namespace", _namespace, "--ceph-attach", "rbd-fuse", "--data-dir", DataDirectory, "--listen", "127.0.0.1:0", "--disk-size-gib", "1",
    ];

    /// <summary>Starts (or restarts) the host's agent; <paramref name="environment"/> adds test-only variables (a kill point).</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? configFile = null)
    {
        _agent?.Dispose();

        // Killed, a host's agent leaves its rbd-fuse processes behind as a crash would; the cleanup finds them.
        _agent = AgentProcess.Start(Arguments(configFile), environment, killTree: false);
        try
        {
            Address = await _agent.ListeningAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            _agent.Dispose();
            _agent = null;
            throw;
        }
    }

    /// <summary>The engine's own client of this host's agent.</summary>
    public AgentStickyDiskStore Client() => new(new AgentOptions { Address = Address, RepoName = "acme/widgets", CommitTimeout = TimeSpan.FromMinutes(2) });

    /// <summary>What a job's setup, builds and post do to the disk: format it when blank, mount it, write, unmount.</summary>
    public async Task WriteAsync(string device, string name, string content)
    {
        var mountPoint = Path.Combine(DataDirectory, "mnt");
        Directory.CreateDirectory(mountPoint);
        // -p probes the device itself: blkid's cache remembers what an earlier user of the same loop device held.
        var blank = (await TryRunAsync("blkid", "-p", "-o", "value", "-s", "TYPE", device)).Output.Trim().Length == 0;
        if (blank)
        {
            // The engine's own mkfs flags (LinuxBlockDevice.FormatOptions).
            await RunAsync("mkfs.ext4", "-q", "-m0", "-Enodiscard,lazy_itable_init=1,lazy_journal_init=1", "-F", device);
        }

        await RunAsync("mount", "-t", "ext4", "-o", "noinit_itable", device, mountPoint);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(mountPoint, name), content);
            await RunAsync("sync", "-f", mountPoint);
        }
        finally
        {
            await RunAsync("umount", mountPoint);
        }
    }

    /// <summary>Mounts the disk and reads a file back (null when it is not there, or the disk is blank).</summary>
    public async Task<string?> ReadAsync(string device, string name)
    {
        if ((await TryRunAsync("blkid", "-p", "-o", "value", "-s", "TYPE", device)).Output.Trim() != "ext4")
        {
            return null;
        }

        var mountPoint = Path.Combine(DataDirectory, "mnt");
        Directory.CreateDirectory(mountPoint);
        await RunAsync("mount", "-t", "ext4", "-o", "ro,noload", device, mountPoint);
        try
        {
            var file = Path.Combine(mountPoint, name);
            return File.Exists(file) ? await File.ReadAllTextAsync(file) : null;
        }
        finally
        {
            await RunAsync("umount", mountPoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.StopAsync();
            _agent.Dispose();
        }

        await HostCleanup.ReleaseUnderAsync(DataDirectory);
    }

    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var (code, output, errors) = await TryRunAsync(tool, arguments);
        Assert.True(code == 0, $"{tool} {string.Join(' ', arguments)} exited with {code}: {errors}");
        return output;
    }

    public static async Task<(int Code, string Output, string Errors)> TryRunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A Ceph client that cannot reach its monitors waits for them; five minutes is far past any call the tests make.
        await BoundedWait.ForExitAsync(process, $"{tool} {string.Join(' ', arguments)} to exit", TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output, await errors);
    }
}
