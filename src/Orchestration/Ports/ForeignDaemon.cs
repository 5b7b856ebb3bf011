namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// Evidence that something this job did not start already holds what our buildkitd would need: the BuildKit root's
/// lock (a running buildkitd on that root) or the daemon's address. Found by the lock or the address, never by a
/// process name; what holds it is only described.
/// </summary>
/// <param name="Resource">What is held, e.g. <c>the BuildKit root /var/lib/buildkit (its lock /var/lib/buildkit/buildkitd.lock)</c>.</param>
/// <param name="HolderPid">The process holding it, when the host can tell.</param>
/// <param name="HolderName">That process's name (the kernel's <c>comm</c>), when known.</param>
/// <param name="Address">
/// The address asked about, when something accepts connections there: a daemon setup may attach to. Null when only
/// the root is held, or when the address was not asked about. Optional, so journals written before it load.
/// </param>
public sealed record ForeignDaemon(string Resource, int? HolderPid = null, string? HolderName = null, string? Address = null)
{
    /// <summary>e.g. <c>the address tcp://127.0.0.1:1234 is held by pid 4711 (buildkitd), which this job did not start</c>.</summary>
    public string Describe()
    {
        var holder = HolderPid is { } pid
            ? HolderName is { Length: > 0 } name ? $"pid {pid} ({name})" : $"pid {pid}"
            : "a process";
        return $"{Resource} is held by {holder}, which this job did not start";
    }
}
