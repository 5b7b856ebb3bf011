namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The log a spawned buildkitd writes in its job directory: read when it never became
/// ready, so that its own words reach the job log where the user looks.
/// </summary>
public interface IDaemonLog
{
    /// <summary>The last lines the daemon's current run wrote to <paramref name="path"/>; empty when there is no log.</summary>
    IReadOnlyList<string> ReadTail(string path);
}
