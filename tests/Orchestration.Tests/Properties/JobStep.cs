using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Tests.Properties;

/// <summary>One command of one session: the events it fires together. Noise is an event the job has no business firing then.</summary>
internal sealed record JobStep(string Session, IReadOnlyList<LifecycleEvent> Events, bool IsNoise = false)
{
    public override string ToString() =>
        $"{Session}: {string.Join(" + ", Events.Select(e => e.Trigger))}{(IsNoise ? " (noise)" : string.Empty)}";
}
