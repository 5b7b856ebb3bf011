using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>Who descends from whom, read from /proc (readable for every process, root's included).</summary>
internal static class ProcessTree
{
    /// <summary>Every living descendant of <paramref name="ancestor"/>, children first.</summary>
    public static IReadOnlyList<ProcStat> Descendants(int ancestor)
    {
        var children = new Dictionary<int, List<ProcStat>>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ProcStat.TryRead(pid) is not { } stat)
            {
                continue;
            }

            if (!children.TryGetValue(stat.ParentPid, out var siblings))
            {
                children[stat.ParentPid] = siblings = [];
            }

            siblings.Add(stat);
        }

        var found = new List<ProcStat>();
        var queue = new Queue<int>([ancestor]);
        while (queue.Count > 0)
        {
            if (!children.TryGetValue(queue.Dequeue(), out var direct))
            {
                continue;
            }

            foreach (var child in direct)
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>The argument vector of <paramref name="pid"/> (empty when it is gone or has none, as a zombie).</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return Encoding.UTF8.GetString(raw).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
