namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>The Worker log lines the scan reads.</summary>
internal enum WorkerLogEventKind
{
    /// <summary><c>Worker] Version: …</c>: a Worker process (one job) starts.</summary>
    WorkerStarted,

    /// <summary><c>StepsRunner] Processing step: DisplayName='…'</c>.</summary>
    StepStarted,

    /// <summary><c>StepsRunner] Step result: …</c>, after <c>continue-on-error</c> was applied.</summary>
    StepResult,

    /// <summary><c>StepsRunner] Current state: job state = '…'</c>: the job's result after each step (empty while it succeeds).</summary>
    JobState,
}
