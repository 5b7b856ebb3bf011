namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What recovery does with an exposure record.</summary>
internal enum RecoveryAction
{
    /// <summary>Leave it: it is handed out, or another live store is working on it.</summary>
    None,

    /// <summary>Finish the interrupted commit or release.</summary>
    Finish,

    /// <summary>Detach and delete its clone and forget it.</summary>
    Discard,
}
