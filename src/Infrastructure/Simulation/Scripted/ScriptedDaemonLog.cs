using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The log of a scripted daemon, which writes none: a daemon that never became ready has nothing to show.</summary>
public sealed class ScriptedDaemonLog : IDaemonLog
{
    public IReadOnlyList<string> ReadTail(string path) => [];
}
