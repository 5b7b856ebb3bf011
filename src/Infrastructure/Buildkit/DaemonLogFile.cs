using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>
/// The daemon's log in the job directory. Each spawn appends to it after a marker line, so a restarted daemon's log
/// keeps the earlier run for diagnosis while the tail we report is only the current run's.
/// </summary>
internal static partial class DaemonLogFile
{
    public const string MarkerPrefix = "---- blacksmith: starting buildkitd";

    // Enough for 40 lines of a Go stack trace; a marker further back means the whole window is the current run.
    private const int TailWindowBytes = 64 * 1024;

    /// <summary>Appends the marker that starts a run, creating the log (0600, ours) if needed.</summary>
    public static void AppendMarker(string path, DateTimeOffset now)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        var line = string.Create(CultureInfo.InvariantCulture, $"{MarkerPrefix} at {now:yyyy-MM-ddTHH:mm:ss.fffZ} ----\n");
        stream.Write(Encoding.UTF8.GetBytes(line));
    }

    /// <summary>The last <paramref name="count"/> lines the current run wrote; empty when there is no log.</summary>
    public static IReadOnlyList<string> ReadTail(string path, int count)
    {
        byte[] window;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, stream.Length - TailWindowBytes);
            stream.Position = start;
            window = new byte[stream.Length - start];
            stream.ReadExactly(window);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return [];
        }

        var lines = Encoding.UTF8.GetString(window).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var marker = lines.FindLastIndex(l => l.StartsWith(MarkerPrefix, StringComparison.Ordinal));
        var run = lines.Skip(marker + 1).ToList();
        while (run.Count > 0 && run[^1].Length == 0)
        {
            run.RemoveAt(run.Count - 1);
        }

        return run.Skip(Math.Max(0, run.Count - count)).ToList();
    }

    /// <summary>
    /// The database a bbolt panic in <paramref name="tail"/> names, if any, and only if it lies under
    /// <paramref name="root"/>: the path is later renamed as root, and a log can contain text a build chose.
    /// </summary>
    public static string? FindCorruptDatabase(IReadOnlyList<string> tail, string? root)
    {
        if (root is null
            || !tail.Any(l => l.Contains("panic", StringComparison.Ordinal))
            || !tail.Any(l => l.Contains("bbolt", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var under = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + "/";
        // Prefer a path on a panic line, then the latest anywhere in the tail.
        var candidates = tail.Where(l => l.Contains("panic", StringComparison.Ordinal))
            .Concat(tail.AsEnumerable().Reverse())
            .SelectMany(l => DatabasePath().Matches(l).Select(m => m.Value));
        foreach (var candidate in candidates)
        {
            var full = Path.GetFullPath(candidate);
            if (full.StartsWith(under, StringComparison.Ordinal))
            {
                return full;
            }
        }

        return null;
    }

    [GeneratedRegex(@"/[^\s""'`(),:;]+\.db\b")]
    private static partial Regex DatabasePath();
}
