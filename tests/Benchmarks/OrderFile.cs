using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Blacksmith.Benchmarks;

/// <summary>
/// Writes the order file the Native AOT compiler lays blacksmith's managed code out by (src/Hosts/Cli/blacksmith.order,
/// IlcOrderFile): the methods on every page of code that <c>post</c> with nothing to clean up reads, in their present
/// order, so that they sit together at the front of the code instead of spread over all of it. The kernel maps an
/// executable 64 KiB around each page a process touches, so spread code costs its whole span in resident memory.
/// Which pages a run reads is known exactly by running it from an ext4 file system on a loop device without read-ahead,
/// whose page cache starts empty: afterwards the cache holds the pages the run read and no others (mincore).
/// Needs root, the published binary and its symbols (publish/blacksmith/linux-x64 after eng/publish.sh linux-x64), nm and readelf.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class OrderFile
{
    private const int PageSize = 4096;

    public static async Task<int> RunAsync(string? published, CancellationToken cancellationToken)
    {
        var root = CheckoutRoot.Find();
        published ??= Path.Combine(root, "publish", "blacksmith", "linux-x64");
        var binary = Path.Combine(published, "blacksmith");
        var symbols = Path.Combine(published, "blacksmith.dbg");
        if (!File.Exists(binary) || !File.Exists(symbols))
        {
            await Console.Error.WriteLineAsync($"order-file: no blacksmith and blacksmith.dbg in {published}; run eng/publish.sh linux-x64, or name the directory");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("blacksmith-order-");
        try
        {
            var pages = await PagesReadAsync(binary, work.FullName, cancellationToken);
            var (codeStart, codeEnd, codeOffset) = await ManagedCodeAsync(binary, cancellationToken);
            var methods = await MethodsAsync(symbols, codeStart, codeEnd, cancellationToken);
            var ordered = new List<string>();
            long bytes = 0;
            for (var i = 0; i < methods.Count; i++)
            {
                var (address, name) = methods[i];
                var end = methods.Skip(i + 1).Select(m => m.Address).FirstOrDefault(a => a > address, codeEnd);
                var first = (address - codeStart + codeOffset) / PageSize;
                var last = (end - 1 - codeStart + codeOffset) / PageSize;
                if (Enumerable.Range(0, (int)(last - first + 1)).Any(p => pages.Contains(first + p)))
                {
                    ordered.Add(name);
                    bytes += end - address;
                }
            }

            var output = Path.Combine(root, "src", "Hosts", "Cli", "blacksmith.order");
            await File.WriteAllLinesAsync(output, ordered.Distinct(StringComparer.Ordinal), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"post read {pages.Count} pages of {binary}; {ordered.Count} methods ({bytes / 1024} KiB of {(codeEnd - codeStart) / 1024} KiB of managed code) written to {output}"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The pages of <paramref name="binary"/> one post with nothing to clean up reads, by file page number.</summary>
    private static async Task<HashSet<long>> PagesReadAsync(string binary, string work, CancellationToken cancellationToken)
    {
        var image = Path.Combine(work, "fs.img");
        var mount = Directory.CreateDirectory(Path.Combine(work, "mnt")).FullName;
        await using (var file = File.Create(image))
        {
            file.SetLength(new FileInfo(binary).Length * 3);
        }

        await MustAsync("mkfs.ext4", ["-q", "-F", image], cancellationToken);
        var device = (await MustAsync("losetup", ["-f", "--show", image], cancellationToken)).Trim();
        var mounted = false;
        try
        {
            // No read-ahead: a page is read because the run touched it, not because a neighbour was.
            await File.WriteAllTextAsync($"/sys/block/{Path.GetFileName(device)}/queue/read_ahead_kb", "0", cancellationToken);
            await MustAsync("mount", [device, mount], cancellationToken);
            mounted = true;
            var copy = Path.Combine(mount, "blacksmith");
            File.Copy(binary, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(binary));
            // Unmounting drops the file system's page cache, copy included.
            await MustAsync("umount", [mount], cancellationToken);
            mounted = false;
            await MustAsync("mount", [device, mount], cancellationToken);
            mounted = true;

            var runner = new StepEnvironment(work, Directory.CreateDirectory(Path.Combine(work, "shims")).FullName, Path.Combine(work, "spawned.log"));
            var step = runner.Step("order", "post");
            var info = HostsBenchmark.Start(copy, ["post"]);
            step.Apply(info.Environment);
            var run = await HostsBenchmark.RunAsync(info, cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"post exited {run.ExitCode}: {run.Error}");
            }

            return Resident(copy);
        }
        finally
        {
            if (mounted)
            {
                await MustAsync("umount", [mount], CancellationToken.None);
            }

            await MustAsync("losetup", ["-d", device], CancellationToken.None);
        }
    }

    /// <summary>The pages of a file in the page cache.</summary>
    private static HashSet<long> Resident(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        var address = Mmap(IntPtr.Zero, (nuint)length, protection: 1, flags: 1, file.DangerousGetHandle().ToInt32(), 0);
        if (address == new IntPtr(-1))
        {
            throw new InvalidOperationException($"mmap {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            var vector = new byte[(length + PageSize - 1) / PageSize];
            if (Mincore(address, (nuint)length, vector) != 0)
            {
                throw new InvalidOperationException($"mincore {path}: errno {Marshal.GetLastPInvokeError()}");
            }

            return [.. Enumerable.Range(0, vector.Length).Where(p => (vector[p] & 1) != 0).Select(p => (long)p)];
        }
        finally
        {
            _ = Munmap(address, (nuint)length);
        }
    }

    /// <summary>Where the managed code is: its address range and its offset in the file (readelf).</summary>
    private static async Task<(long Start, long End, long Offset)> ManagedCodeAsync(string binary, CancellationToken cancellationToken)
    {
        var sections = await MustAsync("readelf", ["-SW", binary], cancellationToken);
        var line = sections.Split('\n').Single(l => l.Contains(" __managedcode ", StringComparison.Ordinal));
        var fields = line[(line.IndexOf("__managedcode", StringComparison.Ordinal) + "__managedcode".Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // PROGBITS, address, offset, size.
        var start = long.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var offset = long.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var size = long.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (start, start + size, offset);
    }

    /// <summary>The managed methods by address (nm), without the section's own markers.</summary>
    private static async Task<List<(long Address, string Name)>> MethodsAsync(string symbols, long start, long end, CancellationToken cancellationToken)
    {
        var listing = await MustAsync("nm", ["-n", symbols], cancellationToken);
        var methods = new List<(long, string)>();
        foreach (var line in listing.Split('\n'))
        {
            var fields = line.Split(' ', 3);
            if (fields.Length == 3 && fields[1] is "t" or "T" && !fields[2].StartsWith("__", StringComparison.Ordinal)
                && long.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address) && address >= start && address < end)
            {
                methods.Add((address, fields[2]));
            }
        }

        return methods;
    }

    private static async Task<string> MustAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var run = await HostsBenchmark.RunAsync(HostsBenchmark.Start(tool, arguments), cancellationToken);
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {run.ExitCode}: {run.Error}");
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int descriptor, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(IntPtr address, nuint length);

    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(IntPtr address, nuint length, byte[] vector);
}
