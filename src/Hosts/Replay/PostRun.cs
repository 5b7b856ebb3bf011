namespace Blacksmith.Replay;

/// <summary>The post host of a setup session.</summary>
/// <param name="Session">The session of the setup whose post this is.</param>
/// <param name="JobStatus">What the job-status input says; null to derive it from the steps that ran before.</param>
public sealed record PostRun(string Session, JobStatusInput? JobStatus = null) : HostRun(Session)
{
    public override string Kind => "post";
}
