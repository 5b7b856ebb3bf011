using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Steps.Recording;

/// <summary>Records the check of whether the job's earlier steps failed.</summary>
internal sealed class RecordingEarlierStepsProbe(IEarlierStepsProbe inner, EffectCalls calls) : IEarlierStepsProbe
{
    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.EarlierStepsCheck, EffectCalls.Arguments(), () => inner.CheckAsync(cancellationToken));
}
