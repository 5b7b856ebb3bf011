using System.Globalization;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Loop devices over the store's clones: <c>losetup</c> and <c>blockdev</c> through the privileged runner (ADR 0003),
/// and sysfs to see which device is backed by which file. The store only ever detaches a device whose backing file
/// is, when checked just before, one of its own clones: a loop device someone else set up is never touched.
/// </summary>
internal sealed class LoopDevices(ProcessRunner runner, Privilege privilege, TimeSpan timeout)
{
    private const string SysBlock = "/sys/block";
    private const string DeletedSuffix = " (deleted)";

    // A device someone still has open (udev probing it, say) is detached by the kernel when it is closed: how long a
    // detach may take to show, and how often to look.
    private static readonly TimeSpan DetachSettle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DetachPoll = TimeSpan.FromMilliseconds(20);

    // The runner sets no locale; these tools' messages are read by people, but keep them in one language.
    private static readonly Dictionary<string, string> CLocale = new(StringComparer.Ordinal) { ["LC_ALL"] = "C" };

    /// <summary><c>losetup --find --show</c>: the first free device, attached to <paramref name="image"/>.</summary>
    public async Task<string> AttachAsync(string image, string operation, CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(operation, "losetup", ["--find", "--show", image], cancellationToken);
        var device = outcome.StandardOutput.Trim();
        return device.StartsWith("/dev/loop", StringComparison.Ordinal) && !device.Contains('\n', StringComparison.Ordinal)
            ? device
            : throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"losetup --find --show printed '{device}' (expected the loop device it attached, /dev/loopN)");
    }

    /// <summary>
    /// Flushes and detaches every loop device backed by <paramref name="image"/>. With <paramref name="refuseIfMounted"/>,
    /// a device that is still mounted fails the call before anything is done: the kernel would detach it only lazily,
    /// and a filesystem still in use must not be published.
    /// </summary>
    public async Task<int> DetachAllAsync(string image, bool refuseIfMounted, string operation, CancellationToken cancellationToken)
    {
        var attached = List().Where(d => d.BackingFile == image).ToList();
        if (refuseIfMounted && attached.Count > 0 && await MountedAtAsync(attached, cancellationToken) is { } mountPoint)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{mountPoint.Device} is still mounted at {mountPoint.Where}; unmount it first (nothing was changed)");
        }

        foreach (var device in attached)
        {
            await DetachAsync(device, image, operation, cancellationToken);
        }

        return attached.Count;
    }

    /// <summary>Where a device backed by <paramref name="image"/> is mounted, or null.</summary>
    public static async Task<(string Device, string Where)?> MountedAtAsync(string image, CancellationToken cancellationToken) =>
        await MountedAtAsync(List().Where(d => d.BackingFile == image).ToList(), cancellationToken);

    /// <summary>
    /// Flushes and detaches <paramref name="device"/> if its backing file is still <paramref name="expectedBackingFile"/>
    /// (a device detached and reused by someone else in between is left alone). Returns whether it detached it.
    /// </summary>
    public async Task<bool> DetachAsync(LoopDeviceEntry device, string expectedBackingFile, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (Read(device.Name) is not { } current || current.BackingFile != expectedBackingFile)
        {
            return false;
        }

        // The unmount wrote the filesystem to the device; this pushes the device's own buffers into the image file.
        if (!current.BackingDeleted)
        {
            await RunAsync(operation, "blockdev", ["--flushbufs", device.Path], cancellationToken);
        }

        await RunAsync(operation, "losetup", ["--detach", device.Path], cancellationToken);

        // A mounted device is detached by the kernel when it is unmounted, on purpose (a release throws it away anyway).
        if (await MountedAtAsync([current], cancellationToken) is null)
        {
            await SettleAsync(device.Name, expectedBackingFile, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Waits, briefly, until the kernel has really let go of the device: <c>losetup --detach</c> of a device that is still
    /// open only marks it to be cleared on the last close. A release reports done only once the device is gone; one
    /// still held after the wait is a failure to detach, and the caller keeps the exposure for a later try.
    /// </summary>
    private static async Task SettleAsync(string name, string expectedBackingFile, CancellationToken cancellationToken)
    {
        // A wait on the kernel runs on the machine's clock, not the store's: a store stamping records with a test's fake
        // clock would otherwise wait for a device forever whenever the kernel is a moment slow to let it go.
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        while (Read(name) is { } current && current.BackingFile == expectedBackingFile)
        {
            if (time.GetElapsedTime(started) > DetachSettle)
            {
                throw new ExternalCallException(
                    "losetup", ExternalErrorKind.Unavailable, $"/dev/{name} is still attached to {expectedBackingFile} {DetachSettle.TotalSeconds:0} s after losetup --detach: something still holds it open");
            }

            await Task.Delay(DetachPoll, time, cancellationToken);
        }
    }

    /// <summary>Every attached loop device and its backing file, from sysfs (no root needed).</summary>
    public static IReadOnlyList<LoopDeviceEntry> List()
    {
        if (!Directory.Exists(SysBlock))
        {
            return [];
        }

        var devices = new List<LoopDeviceEntry>();
        foreach (var directory in Directory.EnumerateDirectories(SysBlock, "loop*"))
        {
            if (Read(Path.GetFileName(directory)) is { } device)
            {
                devices.Add(device);
            }
        }

        return devices;
    }

    private static LoopDeviceEntry? Read(string name)
    {
        string backing, number;
        try
        {
            // Present only while the device is attached.
            backing = File.ReadAllText(Path.Combine(SysBlock, name, "loop", "backing_file")).TrimEnd('\n');
            number = File.ReadAllText(Path.Combine(SysBlock, name, "dev")).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var deleted = backing.EndsWith(DeletedSuffix, StringComparison.Ordinal);
        var colon = number.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !uint.TryParse(number.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !uint.TryParse(number.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        return new LoopDeviceEntry(name, deleted ? backing[..^DeletedSuffix.Length] : backing, deleted, major, minor);
    }

    private static async Task<(string Device, string Where)?> MountedAtAsync(List<LoopDeviceEntry> devices, CancellationToken cancellationToken)
    {
        if (devices.Count == 0)
        {
            return null;
        }

        var mounts = await MountInfo.ReadAsync(MountInfo.SelfPath, cancellationToken);
        foreach (var device in devices)
        {
            if (mounts.FirstOrDefault(m => m.Major == device.Major && m.Minor == device.Minor) is { } mount)
            {
                return (device.Path, mount.MountPoint);
            }
        }

        return null;
    }

    private async Task<ProcessOutcome> RunAsync(string operation, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var command = privilege.Elevate(new ProcessCommand(tool, arguments)
        {
            Timeout = timeout,
            OutputLevel = LogLevel.Debug,
            Environment = CLocale,
        });
        var outcome = await runner.RunAsync(command, cancellationToken);
        return outcome.EnsureSucceeded(operation);
    }
}
