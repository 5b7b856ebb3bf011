using Blacksmith.Hosting.Mediator.Internals;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// What the mediator and its metadata ask their provider for, answered without the container where it can be: each
/// command's wrapper (stateless, made once), each command's pipeline that <see cref="CommandRegistrations"/> found to be
/// exactly the behaviours AddMediator listed (a fresh array of fresh behaviours per send, as their transient
/// registrations gave), and the generator's probe of whether enumerations come as arrays, answered only when every
/// command's pipeline is (the generated wrappers then take a pipeline for an array without checking). Anything else is
/// the container's.
/// </summary>
internal sealed class CommandServices(IReadOnlyDictionary<Type, object> wrappers, IReadOnlyDictionary<Type, Func<IServiceProvider, object>> factories)
{
    private static readonly Type ProbeEnumeration = typeof(IEnumerable<IContainerProbe>);

    private readonly IReadOnlyDictionary<Type, object> _wrappers = wrappers;
    private readonly Dictionary<Type, ICommandPipeline> _pipelines = [];
    private readonly IReadOnlyDictionary<Type, Func<IServiceProvider, object>> _factories = factories;
    private bool _answersProbe;

    /// <summary>Answers <paramref name="pipeline"/> from here, making its behaviours by their factories.</summary>
    public void Answer(ICommandPipeline pipeline) => _pipelines[pipeline.EnumerationType] = pipeline;

    /// <summary>Called once every command is registered: the probe is answered here when all <paramref name="commands"/> pipelines are.</summary>
    public void Seal(int commands) => _answersProbe = commands > 0 && _pipelines.Count == commands;

    /// <summary>A provider that answers from here, else asks <paramref name="container"/>.</summary>
    public IServiceProvider Over(IServiceProvider container) => new Provider(this, container);

    private sealed class Provider(CommandServices commands, IServiceProvider container) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (commands._wrappers.TryGetValue(serviceType, out var wrapper))
            {
                return wrapper;
            }

            if (commands._pipelines.TryGetValue(serviceType, out var pipeline))
            {
                return pipeline.Create(container, commands._factories);
            }

            return commands._answersProbe && serviceType == ProbeEnumeration
                ? new IContainerProbe[] { new ContainerProbe0(), new ContainerProbe1() }
                : container.GetService(serviceType);
        }
    }
}
