using System.Text.Json;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// The production data path: the kernel's rbd client, <c>rbd device map --exclusive</c>, which also fences a second
/// writer (the store gives out one writable exposure per image anyway). Untested in CI (no rbd module there); the
/// manual smoke test is in docs/agent.md.
/// </summary>
internal sealed class KrbdAttach(CephCli cli, ProcessRunner runner) : IBlockAttach
{
    public string Name => "krbd";

    public async Task<string> AttachAsync(string image, string exposeId, string operation, CancellationToken cancellationToken)
    {
        if (await FindAsync(image, operation, cancellationToken) is { } mapped)
        {
            return mapped;
        }

        var device = (await cli.RbdAsync(operation, ["device", "map", "--exclusive", cli.Spec(image)], cancellationToken)).Trim();
        return device.StartsWith("/dev/", StringComparison.Ordinal)
            ? device
            : throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"rbd device map printed '{device}' (expected /dev/rbdN)");
    }

    public async Task<string?> MountedAtAsync(string image, string exposeId, CancellationToken cancellationToken)
    {
        if (await FindAsync(image, "stickydisk.mounted", cancellationToken) is not { } device)
        {
            return null;
        }

        var mounts = await MountInfo.ReadAsync(MountInfo.SelfPath, cancellationToken);
        return mounts.FirstOrDefault(m => m.Source == device)?.MountPoint;
    }

    public async Task DetachAsync(string image, string exposeId, bool forCommit, string operation, CancellationToken cancellationToken)
    {
        if (await FindAsync(image, operation, cancellationToken) is not { } device)
        {
            return;
        }

        if (forCommit && await MountedAtAsync(image, exposeId, cancellationToken) is { } where)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{device} is still mounted at {where}; unmount it first (nothing was changed)");
        }

        (await runner.RunAsync(new ProcessCommand("blockdev", ["--flushbufs", device]) { OutputLevel = LogLevel.Debug }, cancellationToken)).EnsureSucceeded(operation);
        await cli.RbdAsync(operation, ["device", "unmap", device], cancellationToken);
    }

    public async Task<IReadOnlyList<(string ExposeId, string Image)>> AttachedAsync(CancellationToken cancellationToken) =>
        [.. (await ListAsync("stickydisk.recover", cancellationToken))
            .Where(m => CephImageNames.ExposeIdOf(m.Name) is not null)
            .Select(m => (CephImageNames.ExposeIdOf(m.Name)!, m.Name))];

    private async Task<string?> FindAsync(string image, string operation, CancellationToken cancellationToken) =>
        (await ListAsync(operation, cancellationToken)).Where(m => m.Name == image).Select(m => m.Device).FirstOrDefault();

    // rbd device list --format json: [{"id":"0","pool":"rbd","namespace":"","name":"img","snap":"-","device":"/dev/rbd0"}]
    private async Task<IReadOnlyList<(string Name, string Device)>> ListAsync(string operation, CancellationToken cancellationToken)
    {
        var output = await cli.RbdAsync(operation, ["device", "list", "--format", "json"], cancellationToken);
        using var document = JsonDocument.Parse(output.Length == 0 ? "[]" : output);
        var spec = cli.Spec(string.Empty);
        var mapped = new List<(string, string)>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var pool = entry.GetProperty("pool").GetString();
            var ns = entry.TryGetProperty("namespace", out var n) ? n.GetString() : string.Empty;
            var here = $"{pool}/{(string.IsNullOrEmpty(ns) ? string.Empty : ns + "/")}";
            if (here == spec && entry.GetProperty("name").GetString() is { } name && entry.GetProperty("device").GetString() is { } device)
            {
                mapped.Add((name, device));
            }
        }

        return mapped;
    }
}
