namespace Blacksmith.Infrastructure.ControlPlane;

/// <summary>Where the control plane is and what every report says about the job.</summary>
/// <param name="BaseAddress">The API's base address.</param>
/// <param name="Token">The sticky-disk token; null sends no Authorization header at all (never a bogus one).</param>
/// <param name="RepoName">Repository name, also sent as X-Github-Repo-Name.</param>
/// <param name="Region">The runner's region.</param>
/// <param name="Arch"><c>amd64</c> or <c>arm64</c>.</param>
/// <param name="VmId">The runner VM's id.</param>
/// <param name="GitSha">The commit being built.</param>
/// <param name="GitBranch">The branch or ref name.</param>
/// <param name="Petname">The runner's pet name, for failure reports.</param>
public sealed record ControlPlaneOptions(
    Uri BaseAddress,
    string? Token,
    string RepoName,
    string Region,
    string Arch,
    string VmId,
    string GitSha,
    string GitBranch,
    string Petname)
{
    /// <summary>How long one attempt may take; the reference client sets none, which can hang a step.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for network errors and 5xx only (429 is not retried).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Base of the exponential backoff: about 200, 400, 800, 1600, 3200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public static ControlPlaneOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string Read(string name) => environment(name) ?? string.Empty;
        var env = Read("BLACKSMITH_ENV");
        var backend = environment("BLACKSMITH_BACKEND_URL");
        var baseAddress = !string.IsNullOrWhiteSpace(backend) ? new Uri(backend)
            : env.Contains("staging", StringComparison.Ordinal) ? new Uri("https://stagingapi.blacksmith.sh")
            : new Uri("https://api.blacksmith.sh");
        var token = environment("BLACKSMITH_STICKYDISK_TOKEN");
        var region = Read("BLACKSMITH_REGION");
        return new ControlPlaneOptions(
            baseAddress,
            string.IsNullOrEmpty(token) ? null : token,
            Read("GITHUB_REPO_NAME"),
            region.Length == 0 ? "eu-central" : region,
            env.Contains("arm", StringComparison.Ordinal) ? "arm64" : "amd64",
            Read("BLACKSMITH_VM_ID"),
            Read("GITHUB_SHA"),
            Read("GITHUB_REF_NAME"),
            Read("PETNAME"));
    }
}
