using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Benchmarks;

/// <summary>
/// The agent's stores side by side, as a runner sees them: blacksmith-agent as a process, the engine's own client,
/// rounds of expose, a 32 MiB write to the device, commit, then expose and release. Once with the local store (loop
/// devices, as root), once with the Ceph store on a throwaway single-node cluster (rbd-fuse and a loop device). Prints
/// each call's median and p90, and the agent's resident memory (and, for Ceph, rbd-fuse's per exposure).
/// </summary>
internal static partial class StoresBenchmark
{
    private const int Rounds = 12;
    private const string Key = "bench/widgets";

    public static async Task<int> RunAsync(string? agentBinary, CancellationToken cancellationToken)
    {
        if (CephTestCluster.MissingReason is { } missing)
        {
            await Console.Error.WriteLineAsync($"stores: {missing}");
            return 2;
        }

        agentBinary ??= Path.Combine(CheckoutRoot.Find(), "src", "Hosts", "Agent", "bin", "Release", "net10.0", "blacksmith-agent");
        Console.WriteLine($"agent: {agentBinary}");
        var cluster = await CephTestCluster.StartAsync(cancellationToken);
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster bootstrap: {cluster.StartupTime.TotalMilliseconds:0} ms (one mon, one BlueStore OSD)"));
            var work = Directory.CreateDirectory(Path.Combine(cluster.Directory, "bench")).FullName;
            var ns = await cluster.CreateNamespaceAsync(cancellationToken);
            await MeasureAsync("local", agentBinary, ["--data-dir", Path.Combine(work, "local"), "--store-mode", "LoopDevice", "--disk-size-gib", "2"], cancellationToken);
            await MeasureAsync(
                "ceph",
                agentBinary,
                [
                    "--backend", "ceph", "--ceph-conf", cluster.ConfigFile, "--ceph-keyring", cluster.Keyring, "--ceph-pool", CephTestCluster.Pool,
                    "--ceph-namespace", ns, "--ceph-attach", "rbd-fuse", "--data-dir", Path.Combine(work, "ceph"), "--disk-size-gib", "2",
                ],
                cancellationToken);
            return 0;
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task MeasureAsync(string name, string agentBinary, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(agentBinary, [.. arguments, "--listen", "127.0.0.1:0"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var agent = Process.Start(info)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text && ListeningLine().Match(text) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["address"].Value));
            }
        };
        agent.OutputDataReceived += (_, _) => { };
        agent.BeginErrorReadLine();
        agent.BeginOutputReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            using var client = new AgentStickyDiskStore(new AgentOptions { Address = address, RepoName = "bench", CommitTimeout = TimeSpan.FromMinutes(2) });
            var exposes = new List<double>();
            var commits = new List<double>();
            var releases = new List<double>();
            long fuseRss = 0;
            for (var round = 0; round < Rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                var disk = await client.ExposeAsync(Key, cancellationToken);
                exposes.Add(watch.Elapsed.TotalMilliseconds);
                await DdAsync(disk.Device, round, cancellationToken);
                fuseRss = Math.Max(fuseRss, FuseRss(agent.Id));
                watch.Restart();
                await client.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, FsUsageBytes: null), cancellationToken);
                commits.Add(watch.Elapsed.TotalMilliseconds);

                var thrown = await client.ExposeAsync(Key, cancellationToken);
                watch.Restart();
                await client.SettleAsync(new DiskSettlement(thrown.ExposeId, Key, Commit: false, FsUsageBytes: null), cancellationToken);
                releases.Add(watch.Elapsed.TotalMilliseconds);
            }

            var (rss, peak) = Memory(agent.Id);
            Console.WriteLine();
            Console.WriteLine($"## {name} ({Rounds} rounds, 32 MiB written per commit)");
            Console.WriteLine("| call | median ms | p90 ms |");
            Console.WriteLine("|---|---|---|");
            Print("expose (clone + attach)", exposes);
            Print("commit (detach + publish)", commits);
            Print("release (detach + delete)", releases);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"agent RSS after the rounds: {rss / 1024.0:0.0} MiB (peak {peak / 1024.0:0.0} MiB)"));
            if (fuseRss > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rbd-fuse RSS per exposure (largest seen): {fuseRss / 1024.0:0.0} MiB"));
            }
        }
        finally
        {
            agent.Kill();
            await agent.WaitForExitAsync(CancellationToken.None);
            var data = arguments[Array.IndexOf(arguments, "--data-dir") + 1];
            await HostCleanup.ReleaseUnderAsync(data);
        }
    }

    private static void Print(string call, List<double> samples)
    {
        var sorted = samples.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {call} | {sorted[sorted.Count / 2]:0} | {sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(sorted.Count * 0.9) - 1)]:0} |"));
    }

    private static async Task DdAsync(string device, int round, CancellationToken cancellationToken)
    {
        var seek = (round % 16 * 32).ToString(CultureInfo.InvariantCulture);
        using var dd = Process.Start(new ProcessStartInfo("dd", ["if=/dev/urandom", $"of={device}", "bs=1M", "count=32", $"seek={seek}", "oflag=direct", "status=none"]) { UseShellExecute = false })!;
        await dd.WaitForExitAsync(cancellationToken);
    }

    private static (long RssKiB, long PeakKiB) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiB(line);
            }
        }

        return (rss, peak);
    }

    private static long FuseRss(int agentPid)
    {
        long largest = 0;
        foreach (var entry in Directory.EnumerateDirectories("/proc").Where(e => int.TryParse(Path.GetFileName(e), out _)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (stat.Contains("(rbd-fuse)", StringComparison.Ordinal) && fields[1] == agentPid.ToString(CultureInfo.InvariantCulture))
                {
                    largest = Math.Max(largest, Memory(int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture)).RssKiB);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return largest;
    }

    private static long KiB(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Listening on (?<address>https?://\S+?)/? \(")]
    private static partial Regex ListeningLine();
}
