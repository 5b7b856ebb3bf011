using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A host whose devices in use a test names; every lookup is recorded.</summary>
public sealed class FakeDeviceUsage : IDeviceUsage
{
    /// <summary>Device to how it is in use; a device not here is unused.</summary>
    public Dictionary<string, string> InUse { get; } = new(StringComparer.Ordinal);

    public List<string> Looked { get; } = [];

    public Task<string?> FindUseAsync(string device, CancellationToken cancellationToken)
    {
        Looked.Add(device);
        return Task.FromResult(InUse.TryGetValue(device, out var use) ? use : null);
    }
}
