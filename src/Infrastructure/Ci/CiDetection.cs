namespace Blacksmith.Infrastructure.Ci;

/// <summary>Tells which CI protocol applies from the process environment.</summary>
public static class CiDetection
{
    /// <summary>
    /// <see cref="CiKind.GitHubActions"/> when <c>GITHUB_ACTIONS</c> is <c>true</c> (the runner sets it for every
    /// step process), else <see cref="CiKind.Generic"/>.
    /// </summary>
    public static CiKind Detect(IEnvironmentReader environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.Read("GITHUB_ACTIONS") == "true" ? CiKind.GitHubActions : CiKind.Generic;
    }
}
