using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Steps.Post;

/// <summary>
/// What one post's drain found worth telling, read back from the records it journaled: a daemon that had died before
/// post stopped it (with the tail of its log), and every stop or unmount that failed, in words.
/// </summary>
/// <param name="DaemonGone">Why buildkitd was already gone, its log's tail included, when it was.</param>
/// <param name="CleanupFailures">Each stop or unmount of this post that failed.</param>
internal sealed record PostFindings(string? DaemonGone, IReadOnlyList<string> CleanupFailures)
{
    public static readonly PostFindings None = new(null, []);

    /// <summary>The findings of the records after <paramref name="afterSequence"/> (where this post began).</summary>
    public static PostFindings From(IReadOnlyList<JournalRecord> records, long afterSequence)
    {
        ArgumentNullException.ThrowIfNull(records);
        string? gone = null;
        var failures = new List<string>();
        foreach (var record in records.Where(r => r.Seq > afterSequence && r.Kind == JournalRecordKind.Transition))
        {
            switch (LifecycleEventCodec.Decode(record).Event)
            {
                case DaemonStopped { Outcome: DaemonStopOutcome.AlreadyGone } stopped:
                    gone = stopped.Detail ?? "buildkitd had already exited before post";
                    break;
                case DaemonStopped { Outcome: DaemonStopOutcome.Failed } stopped:
                    failures.Add($"buildkitd could not be stopped: {stopped.Detail ?? "no reason given"}");
                    break;
                case DiskUnmounted { Clean: false } unmounted:
                    failures.Add($"unmounting the sticky disk: {unmounted.Detail ?? "no reason given"}");
                    break;
            }
        }

        return new PostFindings(gone, failures);
    }
}
