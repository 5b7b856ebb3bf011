namespace Blacksmith.Orchestration.Telemetry;

/// <summary>What a span of a job's trace stands for.</summary>
public enum TraceSpanKind
{
    /// <summary>The whole job: the trace's root, or the child of the CI's span.</summary>
    Job,

    /// <summary>One step of the job: setup, a build, post.</summary>
    Step,

    /// <summary>One external call a step made (expose, mount, spawn, build, unmount, settle …).</summary>
    Call,
}
