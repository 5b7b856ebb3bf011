using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records builder registration and the fallback, under the same port name as the builds.</summary>
internal sealed class RecordingBuilderRegistry(IBuilderRegistry inner, EffectCalls calls) : IBuilderRegistry
{
    public Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BuildxRegister, Arguments(("address", address)), () => inner.RegisterAsync(address, cancellationToken));

    public Task<string> ActivateFallbackAsync(CancellationToken cancellationToken) =>
        calls.RunAsync(PortCalls.BuildxActivateFallback, Arguments(), () => inner.ActivateFallbackAsync(cancellationToken));
}
