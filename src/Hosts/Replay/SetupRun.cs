namespace Blacksmith.Replay;

/// <summary>The setup host, with its inputs.</summary>
public sealed record SetupRun(string Session, SetupPlanInputs Inputs) : HostRun(Session)
{
    public override string Kind => "setup";
}
