using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The machine a replayed job shares with other jobs, as a scenario's <c>machine</c> section describes it: its boot, the
/// processes that run, the other jobs' claims, and what is really mounted and exposed. It is the replay's world for the
/// cleanup after earlier jobs (the sweep setup runs before its sequence), as <see cref="ScriptedWorld"/> is for the job's
/// own calls: the claims are read through <see cref="ScriptedClaimRegistry"/>, the boot and the owners through
/// <see cref="ScriptedMachineFacts"/>, and the sweep's daemon, block-device and store calls are answered by the world from
/// this state (and from <see cref="Script"/>). No machine is the empty one: no claims, so the sweep makes no call.
/// </summary>
public sealed record ScriptedMachine
{
    /// <summary>The boot id of a machine whose scenario names none.</summary>
    public const string DefaultBootId = "boot-1";

    /// <summary>What a claim naming a mount without its device has mounted there, as far as anyone can tell.</summary>
    public const string UnknownDevice = "/dev/unknown";

    /// <summary>A machine with nothing on it but the replayed job.</summary>
    public static ScriptedMachine Empty { get; } = new();

    /// <summary>The kernel's boot id now; a claim written under another one was written before a reboot.</summary>
    public string BootId { get; init; } = DefaultBootId;

    /// <summary>The processes that run (owners and daemons of other jobs); every other pid has ended.</summary>
    public IReadOnlyList<ScriptedProcess> Running { get; init; } = [];

    /// <summary>The other jobs' claims, in the order the registry lists them.</summary>
    public IReadOnlyList<JobClaim> Claims { get; init; } = [];

    /// <summary>The job directories whose claims an earlier job already reported as possibly still running.</summary>
    public IReadOnlySet<string> Reported { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// What is mounted where (mount point to device); null for what the claims say: the mount of every claim written
    /// since this boot (a reboot unmounts everything).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Mounts { get; init; }

    /// <summary>
    /// The exposures the store holds for other jobs; null for what the claims say: every claim's exposure (the store
    /// outlives a reboot).
    /// </summary>
    public IReadOnlyList<ScriptedExposure>? Exposures { get; init; }

    /// <summary>Scripted answers that only the sweep's calls take (the job's own calls never see them), keyed and used like the world's.</summary>
    public IReadOnlyList<ScriptedAnswer> Script { get; init; } = [];

    /// <summary>What is mounted now: <see cref="Mounts"/>, or the mounts the claims of this boot name.</summary>
    public IReadOnlyDictionary<string, string> MountsNow() => Mounts ?? Claims
        .Where(c => c.BootId == BootId && c.Holdings.MountPoint is not null)
        .GroupBy(c => c.Holdings.MountPoint!, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().Holdings.Device ?? UnknownDevice, StringComparer.Ordinal);

    /// <summary>The exposures the store holds now: <see cref="Exposures"/>, or those the claims name.</summary>
    public IReadOnlyList<ScriptedExposure> ExposuresNow() => Exposures ??
        [.. Claims.Where(c => c.Holdings.ExposeId is { Length: > 0 }).Select(c => new ScriptedExposure(c.JobDirectory, c.Holdings.ExposeId!, c.Holdings.Device ?? string.Empty))];
}
