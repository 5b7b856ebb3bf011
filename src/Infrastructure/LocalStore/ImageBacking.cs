namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>Loop-device mode: each generation is an ext4 image, each exposure a clone of it on a loop device.</summary>
internal sealed class ImageBacking(LoopDevices loops, long diskSizeBytes) : IDiskBacking
{
    public LocalStoreMode Mode => LocalStoreMode.LoopDevice;

    public string Suffix => StoreLayout.ImageSuffix;

    public Task<CloneMethod> CloneAsync(string? source, string clone, string operation, CancellationToken cancellationToken) =>
        Task.Run(() => ImageCloner.Clone(source, clone, diskSizeBytes, cancellationToken), cancellationToken);

    public Task<string> AttachAsync(string clone, string operation, CancellationToken cancellationToken) =>
        loops.AttachAsync(clone, operation, cancellationToken);

    public async Task<string?> MountedAtAsync(string clone, CancellationToken cancellationToken) =>
        await LoopDevices.MountedAtAsync(clone, cancellationToken) is { } mounted ? $"{mounted.Device} at {mounted.Where}" : null;

    public Task DetachAsync(string clone, bool forCommit, string operation, CancellationToken cancellationToken) =>
        loops.DetachAllAsync(clone, refuseIfMounted: forCommit, operation, cancellationToken);

    public async Task<IReadOnlyList<string>> DetachOrphansAsync(string clones, Func<string, bool> isOrphan, string operation, CancellationToken cancellationToken)
    {
        var detached = new List<string>();
        var prefix = clones + "/";
        foreach (var device in LoopDevices.List())
        {
            if (device.BackingFile.StartsWith(prefix, StringComparison.Ordinal)
                && device.BackingFile.EndsWith(Suffix, StringComparison.Ordinal)
                && isOrphan(Path.GetFileName(device.BackingFile)[..^Suffix.Length])
                && await loops.DetachAsync(device, device.BackingFile, operation, cancellationToken))
            {
                detached.Add($"{device.Path} ({device.BackingFile})");
            }
        }

        return detached;
    }

    public void Sync(string clone) => FileTree.SyncFile(clone);
}
