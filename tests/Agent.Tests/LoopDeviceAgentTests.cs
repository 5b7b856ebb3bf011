using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.BlockDevices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Agent.Tests;

/// <summary>The agent over a loop-device store (root), used as a runner uses it: format, mount, write, unmount, commit.</summary>
public sealed class LoopDeviceAgentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [RequiresLoopDevicesFact]
    public async Task A_loop_device_exposed_through_the_agent_keeps_its_files_through_a_commit_and_a_release_keeps_nothing()
    {
        await using var h = new AgentHarness(LocalStoreMode.LoopDevice);
        await h.StartAsync(h.Settings());
        var client = h.Client();
        var device = new LinuxBlockDevice(
            new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System), Privilege.Current, new BlockDeviceTimeouts());
        var mountPoint = Directory.CreateDirectory(Path.Combine(h.Root, "mnt")).FullName;
        var key = h.NewKey();
        var payload = h.Faker.Random.Bytes(64 * 1024);
        byte[] seen;
        ExposedDisk first, second;
        try
        {
            first = await client.ExposeAsync(key, Ct);
            await device.FormatAsync(first.Device, Ct);
            await device.MountAsync(first.Device, mountPoint, Ct);
            await File.WriteAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), payload, Ct);
            await device.SyncAsync(mountPoint, Ct);
            await device.UnmountAsync(mountPoint, Ct);
            await client.SettleAsync(new DiskSettlement(first.ExposeId, key, Commit: true, payload.Length), Ct);

            second = await client.ExposeAsync(key, Ct);
            await device.MountAsync(second.Device, mountPoint, Ct);
            seen = await File.ReadAllBytesAsync(Path.Combine(mountPoint, "layer.bin"), Ct);
            await device.UnmountAsync(mountPoint, Ct);
            await client.SettleAsync(new DiskSettlement(second.ExposeId, key, Commit: false, null), Ct);
        }
        finally
        {
            if (await device.IsMountedAsync(mountPoint, CancellationToken.None))
            {
                await device.UnmountAsync(mountPoint, CancellationToken.None);
            }
        }

        Assert.StartsWith("/dev/loop", first.Device, StringComparison.Ordinal);
        Assert.Equal(payload, seen);
        var listing = await h.ListAsync();
        Assert.Equal(first.ExposeId, Assert.Single(Assert.Single(listing.Keys).Generations).ExposeId);
        Assert.Empty(listing.Exposures);
    }
}
