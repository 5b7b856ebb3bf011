using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Blacksmith.Doubles.Buildkitd;

/// <summary>The daemon's life: configuration, lock, listener, signals, faults.</summary>
internal static partial class Daemon
{
    private const UnixFileMode SocketDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    private static readonly string[] Platforms = RuntimeInformation.OSArchitecture == Architecture.Arm64
        ? ["linux/arm64", "linux/arm/v7", "linux/arm/v6"]
        : ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/386"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (arguments, error) = DaemonArguments.Parse(args);
        if (arguments is null)
        {
            return Fatal(error!);
        }

        Faults faults;
        try
        {
            faults = Faults.FromEnvironment();
        }
        catch (ArgumentException ex)
        {
            return Fatal(ex.Message);
        }

        Directory.CreateDirectory(arguments.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var lockPath = Path.Combine(arguments.Root, "buildkitd.lock");
        var rootLock = RootLock.TryTake(lockPath);
        if (rootLock is null)
        {
            return Fatal($"could not lock {lockPath}, another instance running?");
        }

        if (faults.CrashBbolt)
        {
            // Exit without cleanup, as a Go panic does: the kernel drops the flock, the lock file stays.
            await Console.Error.WriteAsync(BboltPanic(Path.Combine(arguments.Root, "history.db")));
            return 2;
        }

        using var stopping = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            var count = Interlocked.Increment(ref signals);
            if (faults.IgnoreSigterm)
            {
                Log("warning", $"ignoring {context.Signal} (fault injected)");
                return;
            }

            Log("info", count == 1 ? "stopping server" : $"got {context.Signal} again while stopping");
            stopping.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        Log("info", "auto snapshotter: using overlayfs");
        if (faults.SlowStart > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(faults.SlowStart, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                rootLock.Dispose();
                return 0;
            }
        }

        var listeners = new List<(Socket Socket, DoubleAddress Address)>();
        foreach (var address in arguments.Addresses)
        {
            if (DoubleAddress.Parse(address) is not { } target)
            {
                Close(listeners);
                rootLock.Dispose();
                return Fatal($"the test double listens on tcp://IP:PORT and unix:///path addresses only, not {address}");
            }

            var (listener, refusal) = Listen(target, arguments);
            if (listener is null)
            {
                Close(listeners);
                rootLock.Dispose();
                return Fatal(refusal!);
            }

            listeners.Add((listener, target));
        }

        var workerId = WorkerId();
        var listening = DateTime.UtcNow;
        var records = InitialRecords();
        Log("info", $"found worker \"{workerId}\", labels=map[org.mobyproject.buildkit.worker.executor:oci org.mobyproject.buildkit.worker.snapshotter:overlayfs], platforms=[{string.Join(' ', Platforms)}]");
        foreach (var address in arguments.Addresses)
        {
            Log("info", $"running server on {address}");
        }

        bool WorkersReady() => faults.WorkersAfter is { } after && DateTime.UtcNow - listening >= after;
        var serving = listeners.Select(l => ServeAsync(l.Socket, workerId, WorkersReady, records, stopping.Token)).ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Graceful stop below.
        }

        Close(listeners);
        await Task.WhenAll(serving);
        rootLock.Dispose();
        Log("info", "stopped");
        return 0;
    }

    /// <summary>
    /// Listens as buildkitd does: TCP as given; a unix socket through containerd's sys.GetLocalListener, which refuses a
    /// path over 104 bytes, creates a missing parent (one level, 0770), replaces a stale socket file, and makes the
    /// socket 0660, owned by [grpc] uid and gid.
    /// </summary>
    private static (Socket? Listener, string? Error) Listen(DoubleAddress address, DaemonArguments arguments)
    {
        if (address.TooLong)
        {
            return (null, $"failed to create unix socket on {address.Target}: \"{address.Target}\": unix socket path too long (> {DoubleAddress.MaxSocketPathBytes})");
        }

        var socket = address.NewSocket();
        try
        {
            if (address.IsUnix)
            {
                var parent = Path.GetDirectoryName(address.Target)!;
                if (!Directory.Exists(parent))
                {
                    Directory.CreateDirectory(parent, SocketDirectoryMode);
                }

                File.Delete(address.Target);
            }

            socket.Bind(address.EndPoint);
            socket.Listen(128);
            if (address.IsUnix)
            {
                File.SetUnixFileMode(address.Target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
                if (Chown(address.Target, arguments.SocketUid ?? GetUid(), arguments.SocketGid ?? GetGid()) != 0)
                {
                    throw new IOException($"chown {address.Target}: errno {Marshal.GetLastPInvokeError()}");
                }
            }

            return (socket, null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            return (null, $"listen {address.Scheme} {address.Target}: bind: {ex.Message.ToLowerInvariant()}");
        }
    }

    /// <summary>Stops listening; a unix socket's file goes with it, as Go's listener removes it on close.</summary>
    private static void Close(List<(Socket Socket, DoubleAddress Address)> listeners)
    {
        foreach (var (socket, address) in listeners)
        {
            socket.Dispose();
            if (address.IsUnix)
            {
                File.Delete(address.Target);
            }
        }

        listeners.Clear();
    }

    private static async Task ServeAsync(Socket listener, string workerId, Func<bool> workersReady, List<(string Id, long Size)> records, CancellationToken stopping)
    {
        var inFlight = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            inFlight.Add(AnswerAsync(client, workerId, workersReady, records));
        }

        // GracefulStop: requests already accepted are answered.
        await Task.WhenAll(inFlight);
    }

    private static async Task AnswerAsync(Socket client, string workerId, Func<bool> workersReady, List<(string Id, long Size)> records)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            var request = (await reader.ReadLineAsync())?.Split(' ') ?? [];
            switch (request)
            {
                case [DoubleProtocol.Workers]:
                    if (workersReady())
                    {
                        await writer.WriteLineAsync($"{DoubleProtocol.Worker} {workerId} {string.Join(',', Platforms)}");
                    }

                    break;
                case [DoubleProtocol.Prune, var keep] when long.TryParse(keep, NumberStyles.None, CultureInfo.InvariantCulture, out var keepBytes):
                    var pruned = new List<(string Id, long Size)>();
                    lock (records)
                    {
                        // Oldest first until what is left fits.
                        while (records.Count > 0 && records.Sum(r => r.Size) > keepBytes)
                        {
                            pruned.Add(records[0]);
                            records.RemoveAt(0);
                        }
                    }

                    foreach (var (id, size) in pruned)
                    {
                        await writer.WriteLineAsync($"{DoubleProtocol.Record} {id} {size.ToString(CultureInfo.InvariantCulture)} 0");
                    }

                    break;
                default:
                    await writer.WriteLineAsync($"{DoubleProtocol.Error} unknown request {string.Join(' ', request)}");
                    break;
            }

            await writer.WriteLineAsync(DoubleProtocol.End);
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    private static List<(string Id, long Size)> InitialRecords() =>
    [
        (RecordId(), 734_003_200), (RecordId(), 1_288_490_188), (RecordId(), 52_428_800), (RecordId(), 2_147_483_648),
    ];

    private static string WorkerId() => RandomId(25);

    private static string RecordId() => RandomId(25);

    private static string RandomId(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    private static string BboltPanic(string database) => $$"""
        panic: bbolt: {{database}}: invalid freelist page: 0, page type is leaf

        goroutine 1 [running]:
        go.etcd.io/bbolt.(*freelist).read(0xc0004a2000, 0x7f1c2b5d4000)
        	/root/go/pkg/mod/go.etcd.io/bbolt@v1.3.11/freelist.go:266 +0x234
        go.etcd.io/bbolt.(*DB).loadFreelist.func1()
        	/root/go/pkg/mod/go.etcd.io/bbolt@v1.3.11/db.go:412 +0xc5
        sync.(*Once).doSlow(0xc0001d61e8, 0xc00061b5c8)
        	/usr/local/go/src/sync/once.go:74 +0xc2
        go.etcd.io/bbolt.Open({0xc0003e2240, 0x1f}, 0x180, 0xc0001f9b48)
        	/root/go/pkg/mod/go.etcd.io/bbolt@v1.3.11/db.go:295 +0x46b
        github.com/moby/buildkit/util/db/boltutil.Open({0xc0003e2240, 0x1f}, 0x180, 0x0)
        	/src/util/db/boltutil/db.go:18 +0x2b
        main.newController({0x2c1e6b0, 0xc0001b6000}, 0xc000201300, 0xc0001a6480)
        	/src/cmd/buildkitd/main.go:757 +0x52d
        main.main.func3(0xc000201300)
        	/src/cmd/buildkitd/main.go:324 +0x9c5

        """.ReplaceLineEndings("\n");

    private static void Log(string level, string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time=\"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}\" level={level} msg=\"{message.Replace("\"", "\\\"", StringComparison.Ordinal)}\""));

    private static int Fatal(string message)
    {
        Console.Error.WriteLine($"buildkitd: {message}");
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetGid();
}
