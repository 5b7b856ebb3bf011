using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>The daemon's log file as <see cref="BuildkitDaemon"/> writes it: the last 40 lines of its current run.</summary>
public sealed class DaemonLogTail : IDaemonLog
{
    private const int Lines = 40;

    public IReadOnlyList<string> ReadTail(string path) => DaemonLogFile.ReadTail(path, Lines);
}
