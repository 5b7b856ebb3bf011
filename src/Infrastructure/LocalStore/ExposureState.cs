namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>Where an exposure is in its life; the record on disk says it, so a crash can be finished or undone.</summary>
public enum ExposureState
{
    /// <summary>Its clone is being made and attached; nobody has its expose id yet.</summary>
    Exposing,

    /// <summary>Handed out: the job has it until it sends its one decision.</summary>
    Exposed,

    /// <summary>Being published as the key's new generation.</summary>
    Committing,

    /// <summary>Being detached and deleted unchanged.</summary>
    Releasing,
}
