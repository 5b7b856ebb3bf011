using System.Diagnostics;
using System.Globalization;
using Blacksmith.Infrastructure.BlockDevices;

namespace Blacksmith.Benchmarks;

/// <summary>
/// What one lease check costs per expired exposure on this machine: <see cref="HostDeviceUsage"/> on a loop device that
/// nothing uses, the worst case (every mount table and every descriptor of every process read), with the number of
/// processes and descriptors it went through. Needs root to see every process.
/// </summary>
internal static class DeviceUsageBenchmark
{
    private const int Rounds = 20;

    public static async Task<int> RunAsync(string? device, CancellationToken cancellationToken)
    {
        device ??= FreeLoopDevice();
        if (device is null)
        {
            await Console.Error.WriteLineAsync("no loop device node without a backing file; give one as the argument");
            return 2;
        }

        var usage = new HostDeviceUsage();
        var use = await usage.FindUseAsync(device, cancellationToken);
        var took = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            _ = await usage.FindUseAsync(device, cancellationToken);
            took.Add(clock.Elapsed.TotalMilliseconds);
        }

        took.Sort();
        var processes = Directory.EnumerateDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
        var descriptors = Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Sum(Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| device usage of {device} ({use ?? "unused"}), {processes} processes, {descriptors} descriptors | median {took[Rounds / 2]:0.0} ms | p90 {took[Rounds * 9 / 10]:0.0} ms |"));
        return 0;
    }

    private static string? FreeLoopDevice() =>
        Enumerable.Range(0, 256).Select(n => $"/dev/loop{n}")
            .FirstOrDefault(d => File.Exists(d) && !File.Exists($"/sys/block/{Path.GetFileName(d)}/loop/backing_file"));

    private static int Count(string process)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
