namespace Blacksmith.Hosts.Tests.EntryPoints;

/// <summary>
/// A setup-docker-builder step as the runner prepares it: empty output and state files, and the environment that
/// names them with the step's cache-key input.
/// </summary>
internal sealed record GitHubSetupStep(string Output, MapEnvironment Environment)
{
    /// <param name="directory">Where the step's files go.</param>
    /// <param name="name">Tells this step's files from another step's in the same directory.</param>
    /// <param name="cacheKey">The step's cache-key input.</param>
    /// <param name="cancellationToken">Cancels the file writes.</param>
    public static async Task<GitHubSetupStep> CreateAsync(string directory, string name, string cacheKey, CancellationToken cancellationToken)
    {
        var output = Path.Combine(directory, $"output{name}");
        var state = Path.Combine(directory, $"state{name}");
        await File.WriteAllTextAsync(output, "", cancellationToken);
        await File.WriteAllTextAsync(state, "", cancellationToken);
        return new GitHubSetupStep(output, new MapEnvironment(new()
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_STATE"] = state,
            ["INPUT_CACHE-KEY"] = cacheKey,
        }));
    }
}
