using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The earlier-steps check of a scripted world (a post's job status answers it when the script does not).</summary>
public sealed class ScriptedEarlierStepsProbe(ScriptedWorld world) : IEarlierStepsProbe
{
    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.EarlierStepsCheck, Arguments(), cancellationToken);
}
