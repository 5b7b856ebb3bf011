namespace Blacksmith.Hosting.Composition;

/// <summary>Which sticky-disk store a job uses.</summary>
public enum StoreMode
{
    /// <summary>Blacksmith's agent on the runner's host, over gRPC; the control plane and registry mirror come with it.</summary>
    Agent,

    /// <summary>The local store on this machine; nothing is dialled out.</summary>
    Local,
}
