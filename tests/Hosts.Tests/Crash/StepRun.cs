namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>One blacksmith step that ran to its end, or was killed: its exit code, its log and the kill points it passed.</summary>
internal sealed record StepRun(string Verb, int ExitCode, string LogPath, string TracePath)
{
    public bool KilledBySigkill => ExitCode == SessionProcess.KilledBySigkill;

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Every kill point the step passed, in order (the one it was killed at last).</summary>
    public IReadOnlyList<string> Trace => File.Exists(TracePath) ? File.ReadAllLines(TracePath).Where(l => l.Length > 0).ToList() : [];

    /// <summary>The last kill point the step passed (where it was killed, when it was).</summary>
    public string? LastPoint => Trace is [.., var last] ? last : null;

    public override string ToString() => $"blacksmith {Verb} exited {ExitCode}; its log ({LogPath}):\n{Log}";
}
