using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Policy;

/// <summary>
/// The one place that decides whether a job's sticky disk is committed. Pure: the same snapshot always gives
/// the same decision. The machine's guard on the transition into Committing calls it; nothing else may start
/// a commit. The reasoning behind each condition is in docs/design.md.
/// </summary>
internal static class CommitPolicy
{
    public static CommitDecision Decide(LifecycleSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var unmet = new List<(SkipReason Reason, string Detail)>();
        foreach (var condition in UnmetConditions(snapshot))
        {
            unmet.Add(condition);
        }

        if (unmet.Count == 0)
        {
            return new CommitDecision.Commit(snapshot.Disk.FsUsageBytes);
        }

        var (reason, detail) = unmet[0];
        return new CommitDecision.Skip(reason, detail, [.. unmet.Skip(1).Select(u => u.Reason)]);
    }

    // Ordered from the most fundamental to the most specific, so the first reason is the one to show.
    private static IEnumerable<(SkipReason, string)> UnmetConditions(LifecycleSnapshot s)
    {
        if (s.Mode == BuilderMode.None)
        {
            yield return (SkipReason.NoSetup, "no setup ran in this job");
            yield break;
        }

        if (!s.IsOwner)
        {
            yield return (SkipReason.NotOwner, $"session {s.OwnerSession} owns the builder and decides for it");
            yield break;
        }

        if (s.SetupFailed)
        {
            yield return (SkipReason.SetupFailed, $"setup failed ({s.SetupFailure})");
        }

        switch (s.Mode)
        {
            case BuilderMode.Fallback:
                yield return (SkipReason.FallbackBuilder, "builds ran on a fallback builder without the sticky disk");
                break;
            case BuilderMode.Attached:
                yield return (SkipReason.ForeignBuilder, "builds ran on a builder this job did not start");
                break;
        }

        if (!s.Disk.HoldsExposeId || s.Disk.MountPoint is null)
        {
            yield return (SkipReason.NoStickyDisk, "no sticky disk was exposed and mounted");
        }
        else if (s.SetupNeverFinished)
        {
            // A setup killed, hung or cancelled after mounting recorded no failure, yet the disk holds whatever it
            // left half-done: the same as a failed setup, whatever the job status says afterwards.
            yield return (SkipReason.SetupFailed, "setup never finished: the disk was mounted but no builder was registered (the setup step was killed, hung or cancelled)");
        }

        switch (s.Setup?.CommitMode)
        {
            case CommitMode.Never:
                yield return (SkipReason.CommitDisabled, "commit is set to never");
                break;
            case CommitMode.Auto when s.Setup.ForkPullRequest:
                yield return (SkipReason.ForkPullRequest, "pull requests from forks do not write the shared cache (set commit: always-on-success to allow)");
                break;
        }

        foreach (var (outcome, reason) in BuildReasons)
        {
            var names = s.Builds.Where(b => b.Outcome == outcome).Select(b => b.Name).ToList();
            if (names.Count > 0)
            {
                yield return (reason, $"{names.Count} build(s) {outcome.ToString().ToLowerInvariant()}: {string.Join(", ", names)}");
            }
        }

        switch (s.EarlierSteps)
        {
            case EarlierStepsResult.Failed or EarlierStepsResult.Cancelled:
                yield return (SkipReason.EarlierStepFailed, $"an earlier step of the job {s.EarlierSteps.ToString().ToLowerInvariant()} ({s.EarlierStepsDetail})");
                break;
            case EarlierStepsResult.Inconclusive or EarlierStepsResult.Unchecked:
                yield return (SkipReason.EarlierStepsUnknown, s.EarlierStepsDetail is null
                    ? "whether earlier steps succeeded was not checked"
                    : $"whether earlier steps succeeded is unknown ({s.EarlierStepsDetail})");
                break;
        }

        if (s.Daemon is not null)
        {
            switch (s.DaemonStop)
            {
                case DaemonStopOutcome.Forced:
                    yield return (SkipReason.DaemonKilled, "buildkitd had to be killed; its last writes may be torn");
                    break;
                case DaemonStopOutcome.Failed or DaemonStopOutcome.None:
                    yield return (SkipReason.DaemonNotStopped, "buildkitd was not stopped");
                    break;
            }
        }

        if (s.Disk.MountPoint is not null && s.Disk.Unmounted != true)
        {
            yield return (SkipReason.UnmountFailed, s.Disk.Unmounted is null ? "the disk was not unmounted" : "the disk did not unmount cleanly");
        }

        if (s.DrainResumed)
        {
            // The post that began the drain ended before it decided: what it did after its last record (a signal, an
            // unmount, a flush) is unknown, and the CI counts that post as failed.
            yield return (SkipReason.PostInterrupted, "post was interrupted before it decided (killed, or it failed); a post run again finished the drain");
        }
    }

    private static readonly (BuildOutcome, SkipReason)[] BuildReasons =
    [
        (BuildOutcome.Failed, SkipReason.BuildFailed),
        (BuildOutcome.Cancelled, SkipReason.BuildCancelled),
        (BuildOutcome.Abandoned, SkipReason.BuildAbandoned),
        (BuildOutcome.Running, SkipReason.BuildAbandoned),
    ];
}
