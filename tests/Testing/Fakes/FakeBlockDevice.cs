using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A block device that remembers what is mounted.</summary>
public sealed class FakeBlockDevice : IBlockDevice
{
    public HashSet<string> Mounted { get; } = [];

    public Exception? MountFailure { get; set; }

    public UnmountOutcome Unmount { get; set; } = new(true, 4096);

    public bool Formatted { get; set; }

    public Task<MountOutcome> MountAsync(string device, string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (MountFailure is not null)
        {
            throw MountFailure;
        }

        Mounted.Add(mountPoint);
        return Task.FromResult(new MountOutcome(Formatted));
    }

    public Task<UnmountOutcome> UnmountAsync(string mountPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Unmount.Clean)
        {
            Mounted.Remove(mountPoint);
        }

        return Task.FromResult(Unmount);
    }
}
