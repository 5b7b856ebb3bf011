using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>A daemon log with fixed lines, which counts how often it was read.</summary>
internal sealed class FixedDaemonLog(params string[] lines) : IDaemonLog
{
    public List<string> Reads { get; } = [];

    public IReadOnlyList<string> ReadTail(string path)
    {
        Reads.Add(path);
        return lines;
    }
}
