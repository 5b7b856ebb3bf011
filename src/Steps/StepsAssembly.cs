namespace Blacksmith.Steps;

/// <summary>Marks this assembly for the Mediator source generator's scan (see the composition root).</summary>
public static class StepsAssembly;
