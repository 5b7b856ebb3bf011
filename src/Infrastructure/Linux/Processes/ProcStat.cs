using System.Globalization;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> we use. The file is readable for every process, root's included, so a
/// host that is not root can still tell whether the daemon it started under sudo is alive and is still the same process.
/// </summary>
/// <param name="Pid">Process id.</param>
/// <param name="Command">The kernel's name for it (<c>comm</c>, the executable's name cut to 15 bytes).</param>
/// <param name="State">R, S, D, T, Z (zombie: exited, not reaped yet), X (dead), ...</param>
/// <param name="ParentPid">The parent's pid.</param>
/// <param name="SessionId">The session it belongs to; equal to <paramref name="Pid"/> for a session leader.</param>
/// <param name="StartTimeTicks">When it started, in clock ticks since boot (field 22).</param>
internal readonly record struct ProcStat(int Pid, string Command, char State, int ParentPid, int SessionId, long StartTimeTicks)
{
    /// <summary>Whether the process has exited, even if nobody has reaped it yet.</summary>
    public bool HasExited => State is 'Z' or 'X' or 'x';

    /// <summary>Reads the stat of <paramref name="pid"/>; null when there is no such process.</summary>
    public static ProcStat? TryRead(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            // ESRCH while reading means the process went away between open and read.
            return null;
        }

        return Parse(text);
    }

    /// <summary>
    /// Parses one stat line. The command sits in parentheses and may itself contain spaces and ')' (a process can name
    /// itself anything), so the fields are counted from the last ')'.
    /// </summary>
    public static ProcStat? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open <= 0 || close < open || close + 2 > text.Length)
        {
            return null;
        }

        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var command = text[(open + 1)..close];
        // Field 3 (state) is the first after ") "; field 22 (starttime) is therefore the 20th.
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20 || fields[0].Length != 1
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new ProcStat(pid, command, fields[0][0], parent, session, start);
    }
}
