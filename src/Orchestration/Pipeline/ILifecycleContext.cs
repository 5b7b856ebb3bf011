using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Orchestration.Pipeline;

/// <summary>The snapshot the pipeline loaded for the command being handled; handlers read their facts from it.</summary>
internal interface ILifecycleContext
{
    /// <summary>The snapshot as loaded before the handler ran. Throws outside a lifecycle command.</summary>
    LifecycleSnapshot Snapshot { get; }
}
