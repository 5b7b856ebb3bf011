namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The private directories a job's builds keep their secret files in. A build removes its own when it ends; a build
/// killed mid-build (SIGKILL, a runner that died) cannot, so post and the cleanup after a job that ended without its
/// post remove whatever the job's builds left.
/// </summary>
public interface IBuildSecrets
{
    /// <summary>
    /// Removes every build directory of the job whose directory is <paramref name="jobDirectory"/>, wherever the builds
    /// put them, with the secret files in them. Returns the directories removed (none: nothing was left).
    /// </summary>
    /// <exception cref="ExternalCallException">A directory could not be removed.</exception>
    Task<IReadOnlyList<string>> RemoveLeftoversAsync(string jobDirectory, CancellationToken cancellationToken);
}
