namespace Blacksmith.Replay;

/// <summary>What the sweep before a replayed setup did about one other job's claim.</summary>
public enum LeftoverOutcome
{
    /// <summary>Its job is over and everything it held was released: the claim was removed.</summary>
    Cleaned,

    /// <summary>Its job is over but something could not be released (or nothing could tell): the claim was kept for a later cleanup.</summary>
    Kept,

    /// <summary>Its job may still run: nothing of it was touched.</summary>
    LeftAlone,

    /// <summary>Its job is over, but the setup host was stopped (killed, or the replay diverged) before its cleanup ended: the claim stays.</summary>
    Interrupted,
}
