namespace Blacksmith.Orchestration.Ports;

/// <summary>One build to run.</summary>
/// <param name="BuildId">The lifecycle's id of the build (the one in <c>BuildStarted</c>).</param>
/// <param name="Builder">
/// The builder the lifecycle registered, used when <see cref="BuildInputs.Builder"/> is empty; empty to use buildx's
/// current builder.
/// </param>
/// <param name="Inputs">What the user asked for.</param>
/// <param name="Known">
/// What setup journaled about <paramref name="Builder"/> (<see cref="BuilderFacts"/>), so that the build asks buildx
/// nothing before it builds; null when the journal does not say (no setup, a fallback, an older journal).
/// </param>
public sealed record BuildRequest(string BuildId, string Builder, BuildInputs Inputs, BuilderFacts? Known = null);
