namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// What a replay's machine still holds for one job, as the world knows it (not as the job's claim says): its buildkitd
/// processes that run, what is mounted at its root from its disk, the exposures the store holds for it.
/// </summary>
/// <param name="Daemons">The pids of its buildkitd processes that still run.</param>
/// <param name="MountPoint">Where its disk is still mounted; null when it is not.</param>
/// <param name="Device">What is mounted there.</param>
/// <param name="Exposures">The exposures the store still holds for it.</param>
public sealed record HeldOnMachine(IReadOnlyList<int> Daemons, string? MountPoint, string? Device, IReadOnlyList<string> Exposures)
{
    /// <summary>Nothing of the job is held any more.</summary>
    public bool IsEmpty => Daemons.Count == 0 && MountPoint is null && Exposures.Count == 0;

    /// <summary>What is held, in words: <c>buildkitd pid 5001</c>, <c>/dev/loop4 mounted at /x</c>, <c>exposure exp-4</c>.</summary>
    public IReadOnlyList<string> Describe() =>
    [
        .. Daemons.Select(pid => $"buildkitd pid {pid}"),
        .. MountPoint is null ? [] : new[] { $"{Device} mounted at {MountPoint}" },
        .. Exposures.Select(id => $"exposure {id}"),
    ];
}
