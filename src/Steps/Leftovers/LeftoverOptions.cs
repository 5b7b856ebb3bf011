namespace Blacksmith.Steps.Leftovers;

/// <summary>How the cleanup after earlier jobs judges and waits (docs/leftovers.md).</summary>
internal sealed record LeftoverOptions
{
    /// <summary>The variable that sets <see cref="MaxJobDuration"/> (a number of minutes, or a duration such as <c>6h</c>).</summary>
    public const string MaxJobDurationVariable = "BLACKSMITH_MAX_JOB_DURATION";

    /// <summary>
    /// How long a job may run. Outside GitHub Actions nothing else proves a job is over without a reboot, so a claim
    /// older than this is taken as left by a job that ended without its post step. Six hours, GitHub's own limit for a
    /// job on hosted runners; raise it where jobs run longer.
    /// </summary>
    public TimeSpan MaxJobDuration { get; init; } = TimeSpan.FromHours(6);

    /// <summary>How long a leftover buildkitd gets to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most one claim's cleanup may take; past it, the rest is left for the next job.</summary>
    public TimeSpan ClaimBudget { get; init; } = TimeSpan.FromSeconds(60);
}
