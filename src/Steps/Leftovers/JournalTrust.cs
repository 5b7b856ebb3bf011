using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// Whether a job's journal still tells the truth about what the job holds. The claim is written after the journal, so
/// it never knows more than the journal did; a claim that names what the journal does not (a setup, an exposure, a
/// daemon, a mount) means the journal was deleted, emptied, truncated or replaced. Such a journal is no licence to
/// forget: post then releases what the claim names and commits nothing.
/// </summary>
internal static class JournalTrust
{
    /// <summary>Why <paramref name="journal"/> cannot be trusted against <paramref name="claim"/>, or null when it can.</summary>
    public static string? WhyUnusable(LifecycleSnapshot journal, JobClaim claim)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(claim);
        var held = claim.Holdings;
        if (journal.OwnerSession is null)
        {
            return "it records no setup, yet this job's claim says one began";
        }

        if (held.ExposeId is { } exposeId && journal.Disk.ExposeId != exposeId)
        {
            return $"it does not record exposure {exposeId}, which this job's claim names";
        }

        if (held.Daemon is { } daemon && journal.Daemon?.Pid != daemon.Pid)
        {
            return $"it does not record buildkitd pid {daemon.Pid}, which this job's claim names";
        }

        if (held.MountPoint is { } mountPoint && journal.Disk.MountPoint is null)
        {
            return $"it does not record the disk mounted at {mountPoint}, which this job's claim names";
        }

        return null;
    }
}
