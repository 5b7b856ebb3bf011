namespace Blacksmith.Infrastructure.Failpoints;

/// <summary>What a kill point kills.</summary>
public enum KillScope
{
    /// <summary>The host process alone (<c>kill -9 &lt;pid&gt;</c>): its children, if any, live on.</summary>
    Process,

    /// <summary>The host's whole process group (<c>kill -9 -&lt;pgid&gt;</c>), as a runner that kills a step's tree does.</summary>
    Group,
}
