namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// The <c>job-status</c> input: on GitHub Actions a hidden input whose default <c>${{ job.status }}</c> the runner
/// evaluates again for the post stage; elsewhere <c>--job-status</c> or <c>BLACKSMITH_JOB_STATUS</c>.
/// </summary>
public static class JobStatusInput
{
    public const string Name = "job-status";

    /// <summary>What <see cref="Parse"/> accepts, for messages.</summary>
    public const string AcceptedValues = "success, failure or cancelled (GitLab's failed and canceled are accepted too)";

    /// <summary>
    /// <c>success</c>, <c>failure</c> and <c>cancelled</c> are GitHub's <c>job.status</c>; <c>failed</c> and
    /// <c>canceled</c> are GitLab's <c>CI_JOB_STATUS</c>, so its after_script can pass the variable as it is. Case is
    /// ignored. Anything else (GitLab's <c>running</c> from runners that set it too early, a typo) is an error rather
    /// than a guess: post then treats the earlier steps as unknown.
    /// </summary>
    /// <param name="value">The trimmed value.</param>
    /// <param name="origin">Where it came from, for the message (<c>INPUT_JOB-STATUS</c>, <c>--job-status</c> …).</param>
    /// <exception cref="CiInputException">Any other value.</exception>
    public static CiJobStatus Parse(string value, string origin)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.ToUpperInvariant() switch
        {
            "SUCCESS" => CiJobStatus.Success,
            "FAILURE" or "FAILED" => CiJobStatus.Failure,
            "CANCELLED" or "CANCELED" => CiJobStatus.Cancelled,
            _ => throw new CiInputException(Name, $"The job status from {origin} is '{value}', but must be {AcceptedValues}."),
        };
    }
}
