using Blacksmith.Orchestration.Commands;
using Mediator;

namespace Blacksmith.Hosting.Composition;

/// <summary><typeparamref name="TCommand"/>'s pipeline behaviours, made into the array the container would have made.</summary>
internal sealed class CommandPipeline<TCommand>(IReadOnlyList<Type> behaviours) : ICommandPipeline
    where TCommand : ILifecycleCommand
{
    public Type BehaviourType => typeof(IPipelineBehavior<TCommand, LifecycleResult>);

    public Type EnumerationType => typeof(IEnumerable<IPipelineBehavior<TCommand, LifecycleResult>>);

    public IReadOnlyList<Type> Behaviours => behaviours;

    public object Create(IServiceProvider services, IReadOnlyDictionary<Type, Func<IServiceProvider, object>> factories)
    {
        var pipeline = new IPipelineBehavior<TCommand, LifecycleResult>[behaviours.Count];
        for (var i = 0; i < pipeline.Length; i++)
        {
            pipeline[i] = (IPipelineBehavior<TCommand, LifecycleResult>)factories[behaviours[i]](services);
        }

        return pipeline;
    }
}
