using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>For hosts that know the answer by construction (e.g. <c>blacksmith run</c>, which runs every step itself).</summary>
public sealed class KnownEarlierSteps(EarlierStepsReport report) : IEarlierStepsProbe
{
    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(report);
}
