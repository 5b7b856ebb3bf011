namespace Blacksmith.Agent.Configuration;

/// <summary>Where the agent's sticky disks live (<c>--backend</c>).</summary>
public enum AgentBackend
{
    /// <summary>This host's local store: image files on loop devices (docs/local-store.md).</summary>
    Local,

    /// <summary>RBD images on a Ceph cluster that every runner host's agent shares (docs/agent.md, "The Ceph backend").</summary>
    Ceph,
}
