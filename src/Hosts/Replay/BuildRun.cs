using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Replay;

/// <summary>
/// A build host: it begins a build on the job's builder and reports how it ended. An outcome of
/// <see cref="BuildOutcome.Running"/> means the host was killed before it could report: the build stays running.
/// </summary>
/// <param name="Session">The build host's session.</param>
/// <param name="BuildId">The build's id.</param>
/// <param name="Name">The build's name, as the summary shows it.</param>
/// <param name="Outcome">How the build ends.</param>
/// <param name="Detail">Why it failed, when it did.</param>
/// <param name="DaemonDies">The daemon dies while this build runs.</param>
public sealed record BuildRun(string Session, string BuildId, string Name, BuildOutcome Outcome, string? Detail = null, bool DaemonDies = false) : HostRun(Session)
{
    public override string Kind => "build";
}
