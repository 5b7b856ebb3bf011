namespace Blacksmith.Testing.Agent;

/// <summary>The agent's RPCs a docker builder uses, for scripting and counting calls on the fake.</summary>
public enum AgentRpc
{
    Up,
    GetStickyDisk,
    CommitStickyDisk,
    ReportMetric,
}
