namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// The steps of an expose, a commit and a release, in order. After each one the store calls its fault hook (tests
/// only), which can stop the operation there as a crash would: the crash-safety tests walk every step.
/// </summary>
internal enum StoreStep
{
    /// <summary>The exposure's record (state exposing) is durable; nothing else exists yet.</summary>
    ExposeRecorded,

    /// <summary>The clone exists.</summary>
    ExposeCloned,

    /// <summary>The clone is attached to a loop device (in directory mode: nothing to attach).</summary>
    ExposeAttached,

    /// <summary>The record says committing.</summary>
    CommitMarked,

    /// <summary>The loop device was flushed and detached.</summary>
    CommitDetached,

    /// <summary>The clone's content is on disk (fsync, or syncfs for a tree).</summary>
    CommitSynced,

    /// <summary>The clone was renamed into the key's generations; the rename may not be durable yet.</summary>
    CommitPublished,

    /// <summary>The directories are fsynced: the new generation survives a power loss.</summary>
    CommitPublishedDurable,

    /// <summary>The key's record (last use, last commit) was written.</summary>
    CommitKeyRecorded,

    /// <summary>Generations beyond the number kept were moved to the trash.</summary>
    CommitPruned,

    /// <summary>The exposure's record is gone: the commit is complete.</summary>
    CommitRecordRemoved,

    /// <summary>The record says releasing.</summary>
    ReleaseMarked,

    /// <summary>The loop device was detached.</summary>
    ReleaseDetached,

    /// <summary>The clone was moved to the trash; the record is removed next.</summary>
    ReleaseCloneMoved,
}
