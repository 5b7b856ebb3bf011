namespace Blacksmith.Orchestration.Ports;

/// <summary>What a settlement did to its exposure, so that whoever sent it says what happened and not what was asked.</summary>
public enum SettleOutcome
{
    /// <summary>The exposure was committed or released as asked (a store that cannot tell more answers this when it accepted).</summary>
    Applied,

    /// <summary>The exposure had been committed already (a commit sent again, or a release of a committed one): nothing changed.</summary>
    AlreadyCommitted,

    /// <summary>The store holds no such exposure any more (released, or cleaned up as an orphan): nothing changed.</summary>
    NotHeld,
}
