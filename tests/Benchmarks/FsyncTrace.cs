using System.Globalization;

namespace Blacksmith.Benchmarks;

/// <summary>The fsync calls of one <c>strace -y -T</c> trace: each names its file (<c>&lt;path&gt;</c>) and ends with its time.</summary>
internal sealed record FsyncTrace(IReadOnlyList<string> Calls)
{
    public static async Task<FsyncTrace> ReadAsync(string trace, CancellationToken cancellationToken) =>
        new([.. (await File.ReadAllLinesAsync(trace, cancellationToken))
            .Where(l => l.Contains("sync(", StringComparison.Ordinal) && l.Contains('<', StringComparison.Ordinal))]);

    public double Milliseconds =>
        Calls.Sum(l => double.Parse(l[(l.LastIndexOf('<') + 1)..l.LastIndexOf('>')], CultureInfo.InvariantCulture)) * 1000;

    /// <summary>The calls on <paramref name="path"/> itself.</summary>
    public int On(string path) => Calls.Count(l => l.Contains($"<{path}>", StringComparison.Ordinal));
}
