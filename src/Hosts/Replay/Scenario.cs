using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Replay;

/// <summary>
/// A job to replay: its hosts in order, the scripted world that answers their port calls, and what the replay must
/// show. Loaded from a scenario file (<see cref="ScenarioFile"/>) or made from a recorded journal
/// (<see cref="JournalScenario"/>).
/// </summary>
/// <param name="Name">What the scenario pins, e.g. <c>failed-build-skips-the-commit</c>.</param>
/// <param name="Source">Where it came from (a path), for reports.</param>
/// <param name="Job">The hosts and foreign steps, in the order they run.</param>
/// <param name="World">The scripted answers.</param>
/// <param name="Expect">What the replay must show.</param>
public sealed record Scenario(
    string Name,
    string Source,
    IReadOnlyList<HostRun> Job,
    IReadOnlyList<ScriptedAnswer> World,
    ScenarioExpectations Expect)
{
    /// <summary>The default start of a scenario's virtual clock.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string? Description { get; init; }

    public WorldOrdering Ordering { get; init; } = WorldOrdering.Loose;

    /// <summary>Whether calls the script does not name get the <see cref="HealthyWorld"/> answers (else they diverge).</summary>
    public bool HealthyBase { get; init; }

    /// <summary>When the virtual clock starts.</summary>
    public DateTimeOffset Start { get; init; } = DefaultStart;

    /// <summary>Things the reader noticed in the input (e.g. a torn last journal line), reported as warnings.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// The machine the job shares with other jobs: their claims, processes, mounts and exposures, which the sweep before
    /// each setup judges and cleans up after. Empty (no claims: the sweep makes no call) unless the scenario describes it.
    /// </summary>
    public ScriptedMachine Machine { get; init; } = ScriptedMachine.Empty;

    /// <summary>How long a job may run before the sweep takes it as over (<c>BLACKSMITH_MAX_JOB_DURATION</c>); null for the default.</summary>
    public TimeSpan? MaxJobDuration { get; init; }
}
