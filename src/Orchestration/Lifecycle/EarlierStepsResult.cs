namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>Whether the steps of the job before post succeeded.</summary>
public enum EarlierStepsResult
{
    /// <summary>Not checked yet.</summary>
    Unchecked,
    Succeeded,
    Failed,
    Cancelled,

    /// <summary>Checked, but the answer could not be known (no status given, unreadable logs).</summary>
    Inconclusive,
}
