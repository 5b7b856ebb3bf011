namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>What runs on the machine after a step was killed.</summary>
internal enum FollowUp
{
    /// <summary>The killed job's own post (GitLab's <c>after_script</c>), told the job failed.</summary>
    JobPost,

    /// <summary>The next job's setup on the same machine, once the killed job is over (its claim is older than a job may run), then its post.</summary>
    NextJob,
}
