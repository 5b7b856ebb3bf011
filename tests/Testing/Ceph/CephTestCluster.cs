using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Blacksmith.Testing.Ceph;

/// <summary>
/// A throwaway single-node Ceph cluster for tests: one monitor and one OSD (BlueStore on a sparse file), no mgr, both
/// bound to 127.0.0.1 only (msgr2), cephx on, with its config and keyrings in its own temporary directory, never
/// /etc/ceph. Every Ceph command it runs names that config, so no client ever looks for monitors in DNS. Started once
/// per test run (<c>CephClusterFixture</c>); each test takes an RBD namespace of its own (<see cref="CreateNamespaceAsync"/>).
/// Disposing it removes, by what it made and nothing else, every mount and loop device under its directory, the
/// rbd-fuse processes using its config, then its daemons (by pid), then the directory.
/// </summary>
/// <remarks>
/// Settings tests need (docs/agent.md, "Testing on Ceph"): <c>paxos_propose_interval = 0.05</c> (snapshot ids come from
/// the osdmap: with the default 1 s every snapshot create and remove takes a second); <c>mon_mgr_mkfs_grace</c> (no mgr
/// runs); low <c>mon_data_avail_*</c> thresholds (a shared disk); <c>osd_client_watch_timeout = 5</c>, how long a crashed
/// client blocks the removal of its image; a socket and log per client process.
/// </remarks>
public sealed class CephTestCluster : IAsyncDisposable
{
    /// <summary>Set to 1 where these tests must run (CI): a missing capability then fails them instead of skipping them.</summary>
    public const string RequireVariable = "BLACKSMITH_REQUIRE_CEPH";

    /// <summary>The pool every test's namespace lives in.</summary>
    public const string Pool = "rbd";

    /// <summary>The cluster's <c>osd_client_watch_timeout</c>, in seconds.</summary>
    public const int WatchTimeoutSeconds = 5;

    private static readonly string[] Tools = ["ceph-mon", "ceph-osd", "ceph-authtool", "monmaptool", "ceph", "rbd", "rados", "rbd-fuse", "losetup", "mkfs.ext4"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly List<Process> _daemons = [];
    private int _namespaces;

    private CephTestCluster(string directory)
    {
        Directory = directory;
    }

    /// <summary>Whether <see cref="RequireVariable"/> says the tests must run.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why no cluster can run here, or null when one can.</summary>
    public static string? MissingReason { get; } = FindMissing();

    /// <summary>The cluster's directory: config, keyrings, daemon data, logs; tests put their hosts' data directories under it too.</summary>
    public string Directory { get; }

    public string ConfigFile => Path.Combine(Directory, "ceph.conf");

    public string Keyring => Path.Combine(Directory, "ceph.client.admin.keyring");

    /// <summary>How long bootstrap took, for the record.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Bootstraps the cluster and initialises <see cref="Pool"/>.</summary>
    public static async Task<CephTestCluster> StartAsync(CancellationToken cancellationToken)
    {
        if (MissingReason is { } reason)
        {
            throw new InvalidOperationException($"No Ceph cluster can run here: {reason}");
        }

        // A run killed mid-way left its devices over rbd-fuse images that no directory of this run will name.
        await HostCleanup.DetachOrphanedImageDevicesAsync();
        var cluster = new CephTestCluster(System.IO.Directory.CreateTempSubdirectory("blacksmith-ceph-").FullName);
        try
        {
            var watch = Stopwatch.StartNew();
            await cluster.BootstrapAsync(cancellationToken);
            cluster.StartupTime = watch.Elapsed;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new, empty RBD namespace of <see cref="Pool"/> for one test.</summary>
    public async Task<string> CreateNamespaceAsync(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _namespaces);
        var name = string.Create(CultureInfo.InvariantCulture, $"t{number}-{Guid.NewGuid():N}")[..16];
        await RunAsync("rbd", ["-c", ConfigFile, "namespace", "create", $"{Pool}/{name}"], cancellationToken);
        return name;
    }

    /// <summary>A config that names a monitor on a closed loopback port: a cluster that is down.</summary>
    public string WriteUnreachableConfig()
    {
        var path = Path.Combine(Directory, $"down-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"""
            [global]
            mon host = [v2:127.0.0.1:{FreePort()}]
            ms bind msgr1 = false
            ms bind ipv6 = false
            auth client required = cephx
            keyring = {Keyring}
            log file = {Directory}/log/$name.$pid.log
            admin socket = {Directory}/run/$name.$pid.asok

            """);
        return path;
    }

    /// <summary>Runs a Ceph tool with this cluster's config; its standard output.</summary>
    public Task<string> CephAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(tool, ["-c", ConfigFile, .. arguments], cancellationToken);

    /// <summary>Stops the daemons (SIGTERM, then SIGKILL) and removes everything under <see cref="Directory"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await HostCleanup.ReleaseUnderAsync(Directory, ConfigFile);
        await HostCleanup.DetachOrphanedImageDevicesAsync();

        // The OSD before the monitor, as a cluster is shut down.
        foreach (var daemon in Enumerable.Reverse(_daemons))
        {
            await HostCleanup.StopAsync(daemon);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A mount we could not take away: leaving the directory is safer than deleting through it.
        }
    }

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in new[] { "run", "log", "mon", "osd" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
        }

        var port = FreePort();
        var fsid = Guid.NewGuid().ToString();
        var d = Directory;
        await File.WriteAllTextAsync(ConfigFile, $"""
            [global]
            fsid = {fsid}
            mon host = [v2:127.0.0.1:{port}]
            public addr = 127.0.0.1
            cluster addr = 127.0.0.1
            public network = 127.0.0.0/8
            ms bind ipv6 = false
            ms bind msgr1 = false
            auth cluster required = cephx
            auth service required = cephx
            auth client required = cephx
            auth allow insecure global id reclaim = false
            keyring = {Keyring}
            run dir = {d}/run
            admin socket = {d}/run/$name.$pid.asok
            pid file = {d}/run/$name.pid
            log file = {d}/log/$name.$pid.log
            log to stderr = false
            mon cluster log file = {d}/log/cluster.log
            crash dir = {d}/log
            osd pool default size = 1
            osd pool default min size = 1
            osd pool default pg num = 8
            osd pool default pgp num = 8
            osd pool default pg autoscale mode = off
            osd crush chooseleaf type = 0
            mon allow pool size one = true
            mon warn on pool no redundancy = false
            mon data avail warn = 2
            mon data avail crit = 1
            rbd default clone format = 2
            osd client watch timeout = {WatchTimeoutSeconds}

            [mon]
            mon data = {d}/mon/$cluster-$id
            keyring = {d}/mon/$cluster-$id/keyring
            paxos propose interval = 0.05
            mon mgr mkfs grace = 86400

            [osd]
            osd data = {d}/osd/$cluster-$id
            keyring = {d}/osd/$cluster-$id/keyring
            osd objectstore = bluestore
            bluestore block create = true
            bluestore block size = 10737418240
            bluestore block db create = false
            bluestore block wal create = false
            bluestore fsck on mkfs = false
            osd memory target = 1073741824

            """, cancellationToken);

        var monKeyring = Path.Combine(d, "mon.keyring");
        await RunAsync("ceph-authtool", ["--create-keyring", monKeyring, "--gen-key", "-n", "mon.", "--cap", "mon", "allow *"], cancellationToken);
        await RunAsync("ceph-authtool", ["--create-keyring", Keyring, "--gen-key", "-n", "client.admin", "--cap", "mon", "allow *", "--cap", "osd", "allow *", "--cap", "mgr", "allow *"], cancellationToken);
        await RunAsync("ceph-authtool", [monKeyring, "--import-keyring", Keyring], cancellationToken);
        var monmap = Path.Combine(d, "monmap");
        await RunAsync("monmaptool", ["--create", "--fsid", fsid, "--addv", "a", $"[v2:127.0.0.1:{port}]", monmap], cancellationToken);
        await RunAsync("ceph-mon", ["-c", ConfigFile, "--mkfs", "-i", "a", "--monmap", monmap, "--keyring", monKeyring], cancellationToken);
        StartDaemon("ceph-mon", ["-c", ConfigFile, "-i", "a", "-f"], "mon.a");
        await UntilAsync(async () => (await TryRunAsync("ceph", ["-c", ConfigFile, "--connect-timeout", "5", "mon", "stat"], cancellationToken)).ExitCode == 0, "the monitor answers", cancellationToken);

        var osdUuid = Guid.NewGuid().ToString();
        var osdKey = (await RunAsync("ceph-authtool", ["--gen-print-key"], cancellationToken)).Trim();
        var secret = Path.Combine(d, "osd-secret.json");
        await File.WriteAllTextAsync(secret, $"{{\"cephx_secret\": \"{osdKey}\"}}", cancellationToken);
        var osdId = (await CephAsync("ceph", ["osd", "new", osdUuid, "-i", secret], cancellationToken)).Trim();
        File.Delete(secret);
        var osdData = Path.Combine(d, "osd", $"ceph-{osdId}");
        System.IO.Directory.CreateDirectory(osdData);
        await RunAsync("ceph-authtool", ["--create-keyring", Path.Combine(osdData, "keyring"), "--name", $"osd.{osdId}", "--add-key", osdKey], cancellationToken);
        await RunAsync("ceph-osd", ["-c", ConfigFile, "-i", osdId, "--mkfs", "--osd-uuid", osdUuid], cancellationToken);
        StartDaemon("ceph-osd", ["-c", ConfigFile, "-i", osdId, "-f"], $"osd.{osdId}");
        await UntilAsync(async () => (await TryRunAsync("ceph", ["-c", ConfigFile, "osd", "stat"], cancellationToken)).Output.Contains(" 1 up", StringComparison.Ordinal), "the OSD is up", cancellationToken);

        await CephAsync("ceph", ["osd", "pool", "create", Pool, "8", "8"], cancellationToken);
        await CephAsync("rbd", ["pool", "init", Pool], cancellationToken);
    }

    private void StartDaemon(string tool, string[] arguments, string name)
    {
        var info = new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        _daemons.Add(process);
        var log = Path.Combine(Directory, "log", name + ".out");
        process.OutputDataReceived += (_, line) => Append(log, line.Data);
        process.ErrorDataReceived += (_, line) => Append(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static void Append(string file, string? line)
    {
        if (line is not null)
        {
            lock (Tools)
            {
                File.AppendAllText(file, line + "\n");
            }
        }
    }

    private async Task UntilAsync(Func<Task<bool>> ready, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!await ready())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(90) || _daemons.Any(d => d.HasExited))
            {
                throw new InvalidOperationException($"The test cluster failed to start: waited for {what}. Logs: {Path.Combine(Directory, "log")}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await TryRunAsync(tool, arguments, cancellationToken);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Errors}");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> TryRunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = new ProcessStartInfo(tool, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true } };
        process.Start();
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux only";
        }

        if (Environment.UserName != "root")
        {
            return "not root (the OSD, rbd-fuse, losetup and mount need it)";
        }

        foreach (var device in new[] { "/dev/loop-control", "/dev/fuse" })
        {
            if (!File.Exists(device))
            {
                return $"no {device}";
            }
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = Tools.Where(tool => !path.Any(d => File.Exists(Path.Combine(d, tool)))).ToList();
        return missing.Count == 0
            ? null
            : new StringBuilder("not installed: ").AppendJoin(", ", missing)
                .Append(" (apt-get install --no-install-recommends ceph-mon ceph-osd ceph-common rbd-fuse, as .ci/run does)").ToString();
    }
}
