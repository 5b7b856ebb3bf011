using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Infrastructure.Simulation.Scripted.ScriptedWorld;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>The buildx builders of a scripted world.</summary>
public sealed class ScriptedBuilderRegistry(ScriptedWorld world) : IBuilderRegistry
{
    public Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BuildxRegister, Arguments(("address", address)), cancellationToken);

    public Task<string> ActivateFallbackAsync(CancellationToken cancellationToken) =>
        world.AnswerAsync(PortCalls.BuildxActivateFallback, Arguments(), cancellationToken);
}
