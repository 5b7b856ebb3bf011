namespace Blacksmith.Replay;

/// <summary>The commit decision a scenario expects.</summary>
public enum ExpectedDecision
{
    Commit,
    Skip,

    /// <summary>No decision at all (post never finished draining).</summary>
    None,
}
