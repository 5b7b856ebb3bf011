using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// What one simulated machine holds at a moment, as the kernel and the store's files say (not as any journal does):
/// the processes whose command line names its directory (the buildkitd double names its job's config), the mounts under
/// it, the loop devices backed by its files, the local store's exposure records, and the claims.
/// </summary>
internal sealed record MachineState(
    IReadOnlyList<(int Pid, string CommandLine)> Processes,
    IReadOnlyList<string> Mounts,
    IReadOnlyList<(string Device, string BackingFile)> LoopDevices,
    IReadOnlyList<(string ExposeId, string State, string? Holder)> Exposures,
    IReadOnlyList<JobClaim> Claims)
{
    public bool IsClean => Processes.Count == 0 && Mounts.Count == 0 && LoopDevices.Count == 0 && Exposures.Count == 0 && Claims.Count == 0;

    /// <summary>In a few words, for the kill-point table: what a kill left for the follow-up to release.</summary>
    public string Summary()
    {
        var parts = new List<string>();
        if (Processes.Count > 0)
        {
            parts.Add(Processes.Count == 1 ? "daemon" : $"{Processes.Count} processes");
        }

        if (Mounts.Count > 0)
        {
            parts.Add("mount");
        }

        if (LoopDevices.Count > 0)
        {
            parts.Add("loop device");
        }

        parts.AddRange(Exposures.Select(e => $"exposure ({e.State.ToLowerInvariant()})"));
        parts.AddRange(Claims.Select(c => $"claim ({Names(c)})"));
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    /// <summary>Everything, for a failure message.</summary>
    public string Describe() => IsClean
        ? "nothing"
        : string.Join("; ", [
            .. Processes.Select(p => $"process {p.Pid}: {p.CommandLine}"),
            .. Mounts.Select(m => $"mount {m}"),
            .. LoopDevices.Select(l => $"loop device {l.Device} ({l.BackingFile})"),
            .. Exposures.Select(e => $"store record {e.ExposeId} {e.State} (holder {e.Holder ?? "none"})"),
            .. Claims.Select(c => $"claim of {c.JobDirectory} ({Names(c)})"),
        ]);

    /// <summary>
    /// What a cleanup after the job can see: the claim and the machine (the job's journal is no input to it). Two kills
    /// with the same signature are the same input to the next job's sweep.
    /// </summary>
    public string Signature() => Summary();

    private static string Names(JobClaim claim)
    {
        var held = claim.Holdings;
        List<string> names = [];
        if (held.Daemon is not null)
        {
            names.Add("daemon");
        }

        if (held.MountPoint is not null)
        {
            names.Add("mount");
        }

        if (held.ExposeId is not null)
        {
            names.Add("exposure");
        }

        if (held.Device is not null && held.MountPoint is null)
        {
            names.Add("device");
        }

        if (held.Unsearched is not null)
        {
            names.Add("unsearched");
        }

        return names.Count == 0 ? "nothing held yet" : string.Join(" + ", names);
    }
}
