using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

public sealed class FakeEarlierStepsProbe : IEarlierStepsProbe
{
    public EarlierStepsReport Report { get; set; } = new(EarlierStepsResult.Succeeded, "test");

    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Report);
    }
}
