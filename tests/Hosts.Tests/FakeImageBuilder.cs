using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Hosts.Tests;

/// <summary>An image builder whose builds all succeed at once; the engine tests here drive builds through commands.</summary>
internal sealed class FakeImageBuilder : IImageBuilder
{
    public List<BuildRequest> Requests { get; } = [];

    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(new BuildReport(BuildResult.Succeeded, TimeSpan.Zero));
    }
}
