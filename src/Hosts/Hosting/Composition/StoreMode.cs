namespace Blacksmith.Hosting.Composition;

/// <summary>Which sticky-disk store a job uses.</summary>
public enum StoreMode
{
    /// <summary>
    /// A sticky-disk agent over gRPC: Blacksmith's on a Blacksmith runner (with its control plane and registry mirror),
    /// or a self-hosted <c>blacksmith-agent</c> (with neither).
    /// </summary>
    Agent,

    /// <summary>The local store on this machine; nothing is dialled out.</summary>
    Local,
}
