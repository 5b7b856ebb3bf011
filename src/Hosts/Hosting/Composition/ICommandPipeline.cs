namespace Blacksmith.Hosting.Composition;

/// <summary>One command's pipeline behaviours, as <see cref="CommandRegistrations"/> registers them.</summary>
internal interface ICommandPipeline
{
    /// <summary>The service type the behaviours are registered under, <c>IPipelineBehavior&lt;TCommand, LifecycleResult&gt;</c>.</summary>
    Type BehaviourType { get; }

    /// <summary>The enumeration the generated wrapper asks for, <c>IEnumerable&lt;IPipelineBehavior&lt;TCommand, LifecycleResult&gt;&gt;</c>.</summary>
    Type EnumerationType { get; }

    /// <summary>The behaviours' implementation types, in the order AddMediator lists them.</summary>
    IReadOnlyList<Type> Behaviours { get; }

    /// <summary>Makes the pipeline: a fresh array of fresh behaviours, each by its factory in <paramref name="factories"/>.</summary>
    object Create(IServiceProvider services, IReadOnlyDictionary<Type, Func<IServiceProvider, object>> factories);
}
