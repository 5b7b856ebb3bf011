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
        // The machine's guards ask for the decision on every drain they weigh, most of which commit: the conditions
        // are collected into a list only once one is unmet.
        List<(SkipReason Reason, string Detail)>? unmet = null;
        CollectUnmet(snapshot, ref unmet);
        if (unmet is null)
        {
            return new CommitDecision.Commit(snapshot.Disk.FsUsageBytes);
        }

        var (reason, detail) = unmet[0];
        var others = new SkipReason[unmet.Count - 1];
        for (var i = 1; i < unmet.Count; i++)
        {
            others[i - 1] = unmet[i].Reason;
        }

        return new CommitDecision.Skip(reason, detail, others);
    }

    // Ordered from the most fundamental to the most specific, so the first reason is the one to show.
    private static void CollectUnmet(LifecycleSnapshot s, ref List<(SkipReason Reason, string Detail)>? unmet)
    {
        if (s.Mode == BuilderMode.None)
        {
            Add(ref unmet, SkipReason.NoSetup, "no setup ran in this job");
            return;
        }

        if (!s.IsOwner)
        {
            Add(ref unmet, SkipReason.NotOwner, $"session {s.OwnerSession} owns the builder and decides for it");
            return;
        }

        if (s.SetupFailed)
        {
            Add(ref unmet, SkipReason.SetupFailed, $"setup failed ({s.SetupFailure})");
        }

        switch (s.Mode)
        {
            case BuilderMode.Fallback:
                Add(ref unmet, SkipReason.FallbackBuilder, "builds ran on a fallback builder without the sticky disk");
                break;
            case BuilderMode.Attached:
                Add(ref unmet, SkipReason.ForeignBuilder, "builds ran on a builder this job did not start");
                break;
        }

        if (!s.Disk.HoldsExposeId || s.Disk.MountPoint is null)
        {
            Add(ref unmet, SkipReason.NoStickyDisk, "no sticky disk was exposed and mounted");
        }
        else if (s.SetupNeverFinished)
        {
            // A setup killed, hung or cancelled after mounting recorded no failure, yet the disk holds whatever it
            // left half-done: the same as a failed setup, whatever the job status says afterwards.
            Add(ref unmet, SkipReason.SetupFailed, "setup never finished: the disk was mounted but no builder was registered (the setup step was killed, hung or cancelled)");
        }

        switch (s.Setup?.CommitMode)
        {
            case CommitMode.Never:
                Add(ref unmet, SkipReason.CommitDisabled, "commit is set to never");
                break;
            case CommitMode.Auto when s.Setup.ForkPullRequest:
                Add(ref unmet, SkipReason.ForkPullRequest, "pull requests from forks do not write the shared cache (set commit: always-on-success to allow)");
                break;
        }

        foreach (var (outcome, reason) in BuildReasons)
        {
            List<string>? names = null;
            foreach (var build in s.Builds)
            {
                if (build.Outcome == outcome)
                {
                    (names ??= []).Add(build.Name);
                }
            }

            if (names is not null)
            {
                Add(ref unmet, reason, $"{names.Count} build(s) {outcome.ToString().ToLowerInvariant()}: {string.Join(", ", names)}");
            }
        }

        switch (s.EarlierSteps)
        {
            case EarlierStepsResult.Failed or EarlierStepsResult.Cancelled:
                Add(ref unmet, SkipReason.EarlierStepFailed, $"an earlier step of the job {s.EarlierSteps.ToString().ToLowerInvariant()} ({s.EarlierStepsDetail})");
                break;
            case EarlierStepsResult.Inconclusive or EarlierStepsResult.Unchecked:
                Add(ref unmet, SkipReason.EarlierStepsUnknown, s.EarlierStepsDetail is null
                    ? "whether earlier steps succeeded was not checked"
                    : $"whether earlier steps succeeded is unknown ({s.EarlierStepsDetail})");
                break;
        }

        if (s.Daemon is not null)
        {
            switch (s.DaemonStop)
            {
                case DaemonStopOutcome.Forced:
                    Add(ref unmet, SkipReason.DaemonKilled, "buildkitd had to be killed; its last writes may be torn");
                    break;
                case DaemonStopOutcome.Failed or DaemonStopOutcome.None:
                    Add(ref unmet, SkipReason.DaemonNotStopped, "buildkitd was not stopped");
                    break;
            }
        }

        if (s.Disk.MountPoint is not null && s.Disk.Unmounted != true)
        {
            Add(ref unmet, SkipReason.UnmountFailed, s.Disk.Unmounted is null ? "the disk was not unmounted" : "the disk did not unmount cleanly");
        }

        if (s.DrainResumed)
        {
            // The post that began the drain ended before it decided: what it did after its last record (a signal, an
            // unmount, a flush) is unknown, and the CI counts that post as failed.
            Add(ref unmet, SkipReason.PostInterrupted, "post was interrupted before it decided (killed, or it failed); a post run again finished the drain");
        }
    }

    private static void Add(ref List<(SkipReason Reason, string Detail)>? unmet, SkipReason reason, string detail) =>
        (unmet ??= []).Add((reason, detail));

    private static readonly (BuildOutcome, SkipReason)[] BuildReasons =
    [
        (BuildOutcome.Failed, SkipReason.BuildFailed),
        (BuildOutcome.Cancelled, SkipReason.BuildCancelled),
        (BuildOutcome.Abandoned, SkipReason.BuildAbandoned),
        (BuildOutcome.Running, SkipReason.BuildAbandoned),
    ];
}
