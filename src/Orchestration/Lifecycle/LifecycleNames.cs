using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Policy;
using static Blacksmith.Orchestration.Lifecycle.LifecycleState;
using static Blacksmith.Orchestration.Lifecycle.LifecycleTrigger;

namespace Blacksmith.Orchestration.Lifecycle;

/// <summary>
/// The names of the lifecycle's states and triggers, and of the builder's mode, a build's outcome and a skipped commit's
/// reason, as the journal, the status text and the step summary write them: the enums' own
/// names, by table rather than by <see cref="Enum.ToString()"/>, which under Native AOT reads the enum's fields through
/// reflection on its first use in a process (with the other enum sites, about 4 % of a post with nothing to clean up).
/// <c>LifecycleNamesTests</c> checks each table against the enum.
/// </summary>
internal static class LifecycleNames
{
    private static readonly string[] States =
    [
        nameof(Idle), nameof(Mounting), nameof(Starting), nameof(Ready), nameof(Building), nameof(Draining),
        nameof(Committing), nameof(Done), nameof(Failed),
    ];

    private static readonly string[] Triggers =
    [
        nameof(SetupStarted), nameof(BuilderAttached), nameof(SessionAttached), nameof(DiskExposed), nameof(DiskMounted),
        nameof(DaemonSpawned), nameof(DaemonReady), nameof(DaemonExited), nameof(BuilderRegistered), nameof(SetupFailed),
        nameof(FallbackActivated), nameof(BuildStarted), nameof(BuildFinished), nameof(PostRequested), nameof(DaemonStopped),
        nameof(DiskUnmounted), nameof(EarlierStepsChecked), nameof(DiskReleased), nameof(Drained), nameof(CommitRequested),
        nameof(CommitFailed), nameof(HoldingsFound),
    ];

    private static readonly string[] Modes =
    [
        nameof(BuilderMode.None), nameof(BuilderMode.StickyDisk), nameof(BuilderMode.Fallback), nameof(BuilderMode.Attached),
    ];

    private static readonly string[] Outcomes =
    [
        nameof(BuildOutcome.Running), nameof(BuildOutcome.Succeeded), nameof(BuildOutcome.Failed), nameof(BuildOutcome.Cancelled),
        nameof(BuildOutcome.Abandoned),
    ];

    /// <summary>How many states there are: their values run from 0 to one less.</summary>
    public static int StateCount => States.Length;

    /// <summary>How many triggers there are: their values run from 0 to one less.</summary>
    public static int TriggerCount => Triggers.Length;

    /// <summary>The state's name, or its number for a value the enum does not name, as <see cref="Enum.ToString()"/> gives.</summary>
    public static string Of(LifecycleState state) => JournalEnumText.NameOf((int)state, States);

    /// <summary>The trigger's name, or its number for a value the enum does not name, as <see cref="Enum.ToString()"/> gives.</summary>
    public static string Of(LifecycleTrigger trigger) => JournalEnumText.NameOf((int)trigger, Triggers);

    /// <summary>The mode's name, or its number for a value the enum does not name, as <see cref="Enum.ToString()"/> gives.</summary>
    public static string Of(BuilderMode mode) => JournalEnumText.NameOf((int)mode, Modes);

    /// <summary>The outcome's name, or its number for a value the enum does not name, as <see cref="Enum.ToString()"/> gives.</summary>
    public static string Of(BuildOutcome outcome) => JournalEnumText.NameOf((int)outcome, Outcomes);

    /// <summary>The reason's name from the journal's table of them, or its number, as <see cref="Enum.ToString()"/> gives.</summary>
    public static string Of(SkipReason reason) => JournalEnumText.NameOf((int)reason, CommitDecisionJson.ReasonNames);

    /// <summary>The state <paramref name="text"/> names exactly (no number, list, spaces or other case).</summary>
    public static bool TryParseExact(string? text, out LifecycleState state)
    {
        var found = Array.IndexOf(States, text);
        state = (LifecycleState)Math.Max(found, 0);
        return found >= 0;
    }

    /// <summary>The trigger <paramref name="text"/> names exactly (no number, list, spaces or other case).</summary>
    public static bool TryParseExact(string? text, out LifecycleTrigger trigger)
    {
        var found = Array.IndexOf(Triggers, text);
        trigger = (LifecycleTrigger)Math.Max(found, 0);
        return found >= 0;
    }
}
