using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Testing.BlockDevices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>
/// A sparse image file in its own temp directory, attached to a free loop device. Disposing unmounts whatever is
/// still mounted at the mount points it handed out (lazily if a test left it busy), detaches the device and deletes
/// the directory, so that a failing test leaves nothing behind.
/// </summary>
internal sealed class LoopDevice : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    private static readonly ProcessRunner Runner = new(NullLogger<ProcessRunner>.Instance, TimeProvider.System);

    private readonly TempDirectory _temp;
    private readonly List<string> _mountPoints = [];

    private LoopDevice(TempDirectory temp, string image, string path)
    {
        _temp = temp;
        Image = image;
        Path = path;
    }

    /// <summary>The device, e.g. <c>/dev/loop3</c>.</summary>
    public string Path { get; }

    public string Image { get; }

    public static async Task<LoopDevice> AttachAsync(long sizeBytes, CancellationToken cancellationToken, Action<string>? prepareImage = null)
    {
        if (LoopDeviceSupport.MissingReason is { } reason)
        {
            throw new InvalidOperationException($"This test needs loop devices ({LoopDeviceSupport.RequiredVariable}=1 asks for it to run, not skip), but: {reason}");
        }

        var temp = new TempDirectory();
        try
        {
            var image = temp.Sub("disk.img");
            await using (var file = new FileStream(image, FileMode.CreateNew))
            {
                file.SetLength(sizeBytes);
            }

            prepareImage?.Invoke(image);
            var path = (await RunAsync("losetup", ["--find", "--show", image], cancellationToken)).Trim();
            return new LoopDevice(temp, image, path);
        }
        catch
        {
            temp.Dispose();
            throw;
        }
    }

    /// <summary>A path for a mount point in this device's directory (not created), unmounted on dispose.</summary>
    public string NewMountPoint(string name = "mnt")
    {
        var mountPoint = _temp.Sub(name);
        _mountPoints.Add(mountPoint);
        return mountPoint;
    }

    /// <summary>Grows (or shrinks) the image, then makes the loop device pick up its new size.</summary>
    public async Task ResizeAsync(long sizeBytes, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(Image, FileMode.Open))
        {
            file.SetLength(sizeBytes);
        }

        await RunAsync("losetup", ["--set-capacity", Path], cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        var errors = new List<string>();
        foreach (var mountPoint in _mountPoints)
        {
            while (MountInfo.IsMountPoint(await MountInfo.ReadAsync(MountInfo.SelfPath, CancellationToken.None), LinuxBlockDevice.Canonical(mountPoint)))
            {
                var result = await Runner.RunAsync(Command("umount", [mountPoint]), CancellationToken.None);
                if (result.ExitCode != 0)
                {
                    // Detach it anyway; the kernel finishes the unmount when the last user lets go.
                    result = await Runner.RunAsync(Command("umount", ["--lazy", mountPoint]), CancellationToken.None);
                    if (result.ExitCode != 0)
                    {
                        errors.Add($"umount --lazy {mountPoint}: {result.Describe()}");
                        break;
                    }
                }
            }
        }

        var detach = await Runner.RunAsync(Command("losetup", ["--detach", Path]), CancellationToken.None);
        if (detach.ExitCode != 0)
        {
            errors.Add($"losetup --detach {Path}: {detach.Describe()}");
        }

        _temp.Dispose();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Loop device cleanup failed: " + string.Join("; ", errors));
        }
    }

    /// <summary>Runs a test-setup command as root and returns its output; a failure fails the test.</summary>
    private static async Task<string> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var result = await Runner.RunAsync(Command(file, arguments), cancellationToken);
        return result.Succeeded
            ? result.StandardOutput
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {result.Describe()}");
    }

    // Test setup runs as root (the tests skip otherwise); losetup and umount live in sbin.
    private static ProcessCommand Command(string tool, string[] arguments) =>
        new(tool, arguments) { Timeout = CommandTimeout, SearchPath = $"{ExecutableResolver.CurrentSearchPath}:/usr/sbin:/sbin" };
}
