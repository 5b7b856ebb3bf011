using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Ports;

/// <summary>A builder buildx now knows: its name, and what setup learned about it while registering it.</summary>
/// <param name="Name">The builder's name.</param>
/// <param name="Facts">What a build needs to know about it; null where the registry does not tell (a simulation).</param>
/// <remarks>
/// Journals and scenarios written before the facts were recorded keep the name alone, as a JSON string; both forms read.
/// </remarks>
[JsonConverter(typeof(RegisteredBuilderJsonConverter))]
public sealed record RegisteredBuilder(string Name, BuilderFacts? Facts = null);
