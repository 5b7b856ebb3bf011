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

    public Func<IServiceProvider, object> Factory(IReadOnlyDictionary<Type, Func<IServiceProvider, object>> factories)
    {
        var make = behaviours.Select(b => factories[b]).ToArray();
        return sp =>
        {
            var pipeline = new IPipelineBehavior<TCommand, LifecycleResult>[make.Length];
            for (var i = 0; i < make.Length; i++)
            {
                pipeline[i] = (IPipelineBehavior<TCommand, LifecycleResult>)make[i](sp);
            }

            return pipeline;
        };
    }
}
