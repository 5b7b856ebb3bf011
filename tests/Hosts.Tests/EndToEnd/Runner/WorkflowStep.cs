namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// One step of a simulated workflow job: a <c>uses:</c> step (an action of this repository's <c>actions/</c>, e.g.
/// <c>setup-docker-builder</c>) with its <c>with:</c> inputs, or a <c>run:</c> step (a bash script).
/// </summary>
/// <param name="Id">The step's id, for finding its result.</param>
/// <param name="Action">The action's folder under <c>actions/</c> (a <c>uses:</c> step), or null.</param>
/// <param name="Script">The script (a <c>run:</c> step), or null.</param>
internal sealed record WorkflowStep(string Id, string? Action, string? Script)
{
    /// <summary>The <c>with:</c> inputs of a <c>uses:</c> step, names as written in the workflow.</summary>
    public IReadOnlyDictionary<string, string> With { get; init; } = new Dictionary<string, string>();

    /// <summary>The step's <c>env:</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary><c>continue-on-error: true</c>: a failure of this step does not make the job fail (protocols §1.5).</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>
    /// The job is cancelled (as from the UI) once a line the step prints matches: the runner then sends SIGINT to the
    /// step's process, and SIGTERM after the grace period.
    /// </summary>
    public Func<string, bool>? CancelWhen { get; init; }

    /// <summary>
    /// The runner dies once this step's main has ended (the machine's agent restarted it, say): no later step and no
    /// post step runs, and what the job started stays on the machine for the next job to find.
    /// </summary>
    public bool KillsRunner { get; init; }

    /// <summary>
    /// The step's main starts only once this completes: a test interleaves two jobs running at once with it (job B's
    /// setup after job A's, say), where a real machine's timing would decide.
    /// </summary>
    public Task? StartsAfter { get; init; }

    /// <summary>Completed once the step's main has ended, or was skipped: what another job's <see cref="StartsAfter"/> waits for.</summary>
    public TaskCompletionSource? Ended { get; init; }

    public static WorkflowStep Uses(string id, string action, IReadOnlyDictionary<string, string>? with = null) =>
        new(id, action, null) { With = with ?? new Dictionary<string, string>() };

    public static WorkflowStep Run(string id, string script) => new(id, null, script);
}
