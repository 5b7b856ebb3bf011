namespace Blacksmith.Steps;

/// <summary>Marks this assembly for the Mediator source generator's scan (see the composition root).</summary>
internal static class StepsAssembly;
