namespace Blacksmith.Replay;

/// <summary>
/// What a scenario expects the sweeps of its job to have done about one other job's claim (<c>expect.leftovers</c>).
/// Lists are compared whole, in order, across every sweep of the job; anything left null is not checked.
/// </summary>
public sealed record ExpectedLeftover
{
    /// <summary>What became of the claim after the last sweep that saw it.</summary>
    public LeftoverOutcome? Outcome { get; init; }

    /// <summary>Text the last verdict's reason must contain (<c>has ended</c>, <c>rebooted</c>…).</summary>
    public string? Why { get; init; }

    /// <summary>How many times the sweeps reported the job as possibly still running (once at most, by the first to see it).</summary>
    public int? Reported { get; init; }

    /// <summary>The pids of the daemons stopped.</summary>
    public IReadOnlyList<int>? Stopped { get; init; }

    /// <summary>The mount points unmounted.</summary>
    public IReadOnlyList<string>? Unmounted { get; init; }

    /// <summary>The exposures released unchanged.</summary>
    public IReadOnlyList<string>? Released { get; init; }

    /// <summary>The exposures the store was asked to commit (<c>[]</c>: nothing was).</summary>
    public IReadOnlyList<string>? Committed { get; init; }

    /// <summary>Texts that must each appear in a problem of the cleanup; <c>[]</c> means none.</summary>
    public IReadOnlyList<string>? Problems { get; init; }

    /// <summary>Texts that must each appear in a note (what was deliberately left alone); <c>[]</c> means none.</summary>
    public IReadOnlyList<string>? Notes { get; init; }
}
