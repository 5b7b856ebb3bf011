namespace Blacksmith.Orchestration.Ports;

/// <summary>One build to run.</summary>
/// <param name="BuildId">The lifecycle's id of the build (the one in <c>BuildStarted</c>).</param>
/// <param name="Builder">
/// The builder the lifecycle registered, used when <see cref="BuildInputs.Builder"/> is empty; empty to use buildx's
/// current builder.
/// </param>
/// <param name="Inputs">What the user asked for.</param>
public sealed record BuildRequest(string BuildId, string Builder, BuildInputs Inputs);
