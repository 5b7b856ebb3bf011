using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>
/// The owner's post found on the machine what a setup killed between an effect and its record had acquired without
/// journaling it: an exposure the store names as this job's, the disk mounted at the job's BuildKit root, or the job's
/// buildkitd running. From now on the drain treats each like one it had recorded: stopped, unmounted, released, and
/// never committed (the setup never finished).
/// </summary>
/// <param name="ExposeId">An exposure the store holds for this job that the journal did not name.</param>
/// <param name="Device">The device of that exposure, or of the disk found mounted.</param>
/// <param name="MountPoint">Where the disk was found mounted; null when it was not.</param>
/// <param name="Daemon">A buildkitd started for this job that the journal did not name.</param>
/// <param name="Unsearched">
/// What could not be looked for, and why (null: every look answered). While a look is owed, the job may hold what the
/// journal does not know, so nothing is released or committed and post fails; a post run again looks again.
/// </param>
public sealed record HoldingsFound(string? ExposeId = null, string? Device = null, string? MountPoint = null, DaemonIdentity? Daemon = null, string? Unsearched = null) : LifecycleEvent
{
    [JsonIgnore]
    public override LifecycleTrigger Trigger => LifecycleTrigger.HoldingsFound;

    /// <summary>Whether nothing was found at all.</summary>
    public bool FoundNothing() => ExposeId is null && MountPoint is null && Daemon is null;

    internal override LifecycleSnapshot Apply(LifecycleSnapshot snapshot, EventContext context) =>
        snapshot with
        {
            Disk = snapshot.Disk with
            {
                ExposeId = ExposeId ?? snapshot.Disk.ExposeId,
                Device = Device ?? snapshot.Disk.Device,
                MountPoint = MountPoint ?? snapshot.Disk.MountPoint,
                Mounted = snapshot.Disk.Mounted || MountPoint is not null,
            },
            Daemon = Daemon ?? snapshot.Daemon,
            Unreconciled = Unsearched,
        };
}
