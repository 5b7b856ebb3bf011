namespace Blacksmith.Infrastructure.Journal;

/// <summary>Where the job directory's path came from, in order of precedence.</summary>
public enum JobDirectorySource
{
    /// <summary>The <c>--job-dir</c> flag.</summary>
    Flag,

    /// <summary>The <c>BLACKSMITH_JOB_DIR</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>Derived from the GitHub Actions run, under <c>RUNNER_TEMP</c>.</summary>
    GitHubActions,

    /// <summary>Derived from GitLab CI's <c>CI_JOB_ID</c>, under the system temp directory.</summary>
    GitLab,

    /// <summary>Derived from Buildkite's <c>BUILDKITE_JOB_ID</c>, under the system temp directory.</summary>
    Buildkite,
}
