using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Replay;

/// <summary>
/// The standard job of the fault matrix as a variant runs it, for a call the healthy job never makes: a few
/// scripted answers that differ from the healthy world, or a setup input.
/// </summary>
/// <param name="Description">What differs, for docs/reliability.md.</param>
/// <param name="World">Scripted answers on top of the healthy world.</param>
/// <param name="MaxCacheSizeMegabytes">The setup's <c>max-cache-size-mb</c> input, when the variant sets it.</param>
public sealed record FaultVariant(string Description, IReadOnlyList<ScriptedAnswer>? World = null, long? MaxCacheSizeMegabytes = null)
{
    /// <summary>The standard job on the healthy world.</summary>
    public static FaultVariant Standard { get; } = new("the standard job");

    /// <summary>The scripted answers, never null.</summary>
    public IReadOnlyList<ScriptedAnswer> World { get; init; } = World ?? [];
}
