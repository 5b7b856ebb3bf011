using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;

namespace Blacksmith.Steps.Reports;

/// <summary>
/// Which platform failures a setup or a post step reports to the control plane (protocols §4.3, report-failed), decided
/// from what its sequence did: only effects that failed (a sticky disk that could not be set up, a builder that could
/// not start, a commit, a stop or an unmount that failed, a step that threw). A refusal is the workflow's mistake, not
/// the platform's, and never gets here: the hosts report only after a sequence that ran.
/// </summary>
internal static class FailureReports
{
    /// <summary>
    /// A failed setup of this session: <see cref="FailureKind.StickyDiskSetup"/> when the disk never got mounted (the
    /// expose or the mount failed), and <see cref="FailureKind.BuilderStartup"/> for every failed setup, fallback or not.
    /// </summary>
    /// <param name="snapshot">The lifecycle after the setup sequence.</param>
    /// <param name="errors">What failed on the way besides (the fallback builder).</param>
    public static IReadOnlyList<FailureReport> ForSetup(LifecycleSnapshot snapshot, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(errors);

        // An attached session sees its owner's failure, which the owner's setup reported.
        if (!snapshot.IsOwner || snapshot.SetupFailure is not { } failure)
        {
            return [];
        }

        var key = snapshot.Setup?.CacheKey ?? string.Empty;
        var reports = new List<FailureReport>(2);
        if (!snapshot.Disk.Mounted)
        {
            reports.Add(new FailureReport(FailureKind.StickyDiskSetup, key, "sticky disk setup", failure));
        }

        var then = snapshot.Mode == BuilderMode.Fallback
            ? "fell back to a builder without the sticky disk"
            : errors.Count > 0 ? string.Join("; ", errors) : "no builder (nofallback)";
        reports.Add(new FailureReport(FailureKind.BuilderStartup, key, "builder startup", $"{failure}; {then}"));
        return reports;
    }

    /// <summary>
    /// The owner's post: <see cref="FailureKind.StickyDiskCommit"/> for a commit that was decided and not accepted, and
    /// <see cref="FailureKind.BuilderCleanup"/> for each stop or unmount that failed and each drain step that threw.
    /// </summary>
    /// <param name="snapshot">The lifecycle after the post sequence.</param>
    /// <param name="findings">What this post's drain recorded.</param>
    /// <param name="errors">Drain steps that threw.</param>
    public static IReadOnlyList<FailureReport> ForPost(LifecycleSnapshot snapshot, PostFindings findings, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(errors);
        if (!snapshot.IsOwner)
        {
            return [];
        }

        var key = snapshot.Setup?.CacheKey ?? string.Empty;
        var reports = new List<FailureReport>();
        if (snapshot.Decision is CommitDecision.Commit && snapshot.CommitAccepted != true)
        {
            reports.Add(new FailureReport(FailureKind.StickyDiskCommit, key, "commit", snapshot.CommitError ?? "commit failed"));
        }

        reports.AddRange(findings.CleanupFailures.Concat(errors).Select(failure => new FailureReport(FailureKind.BuilderCleanup, key, "cleanup", failure)));
        return reports;
    }
}
