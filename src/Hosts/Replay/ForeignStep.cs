namespace Blacksmith.Replay;

/// <summary>A step of the user's own (a <c>run:</c> step) between the hosts: it touches no journal, but counts for the job status.</summary>
/// <param name="Name">What the step is called, for the report.</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="DaemonDies">The daemon dies during this step.</param>
public sealed record ForeignStep(string Name, bool Succeeded, bool DaemonDies = false) : HostRun(Name)
{
    public override string Kind => "foreign";
}
