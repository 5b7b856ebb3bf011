namespace Blacksmith.Orchestration.Claims;

/// <summary>What the end of a claim's owner process says about its job.</summary>
public enum ClaimOwnerKind
{
    /// <summary>
    /// The GitHub runner's <c>Runner.Worker</c>: one per job, an ancestor of every step, alive until after the post
    /// steps. Its end is proof the job is over.
    /// </summary>
    RunnerWorker,

    /// <summary>
    /// Setup's parent process (the job's shell elsewhere). It may exit long before the job ends (GitLab runs
    /// <c>after_script</c> in a new shell; Jenkins runs every <c>sh</c> step in its own), so its end proves nothing.
    /// </summary>
    Parent,
}
