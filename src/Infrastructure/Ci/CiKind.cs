namespace Blacksmith.Infrastructure.Ci;

/// <summary>The CI protocols a host can speak.</summary>
public enum CiKind
{
    /// <summary>Any CI without GitHub's runner protocol (GitLab CI, Buildkite, a shell): flags, variables and files.</summary>
    Generic,

    /// <summary>The GitHub Actions runner: <c>INPUT_*</c>, environment files and workflow commands.</summary>
    GitHubActions,
}
