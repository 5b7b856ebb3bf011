namespace Blacksmith.Infrastructure.CephStore;

/// <summary>Where an exposure is; written to the cluster before each step that changes the cluster or the host.</summary>
public enum CephExposureState
{
    Exposing,
    Exposed,
    Committing,
    Releasing,
}
