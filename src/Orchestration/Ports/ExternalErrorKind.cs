namespace Blacksmith.Orchestration.Ports;

/// <summary>Stable categories of external failures; journaled and scripted by replay scenarios.</summary>
public enum ExternalErrorKind
{
    /// <summary>The other side could not be reached or said it is temporarily unavailable (worth a retry).</summary>
    Unavailable,

    /// <summary>The attempt ran out of time.</summary>
    Timeout,

    /// <summary>The other side refused or failed the call.</summary>
    Failed,

    /// <summary>The other side answered with something that is not what the contract says.</summary>
    BadReply,

    /// <summary>A tool the step needs is not installed.</summary>
    Missing,

    /// <summary>
    /// The call was sent and the connection broke before the answer came: the other side may have done the work.
    /// Worth a retry only for a call that can be repeated safely (see <see cref="ExternalCallException.IsTransient"/>).
    /// </summary>
    Interrupted,

    /// <summary>
    /// What the other side holds is damaged: a filesystem the kernel refuses to mount because its structures are
    /// corrupt (not because it is busy or the caller lacks permission). Not transient; for the sticky disk, which is
    /// this key's own device, the step repairs it by formatting.
    /// </summary>
    Corrupt,
}
