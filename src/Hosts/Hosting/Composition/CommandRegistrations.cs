using Blacksmith.Hosting.Mediator.Internals;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Release;
using Blacksmith.Steps.Setup;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// The Mediator generator registers the mediator, each command's handler, its wrapper and its pipeline behaviours by
/// implementation type, which the container finds and invokes by reflection: under Native AOT that was the largest
/// share of a step's start. This swaps each of those registrations, in place and with its lifetime, for a factory that
/// calls the constructor. A command added without its line here keeps its type registration, which
/// ColdPathTests.A_step_builds_each_of_our_services_with_a_factory_and_none_by_reflection_on_its_constructor names.
/// </summary>
internal static class CommandRegistrations
{
    public static IServiceCollection ConstructCommandsDirectly(this IServiceCollection services)
    {
        var wrappers = new Dictionary<Type, object>();
        var factories = new Dictionary<Type, Func<IServiceProvider, object>>();
        var pipelines = new List<ICommandPipeline>();
        var commands = new CommandServices(wrappers, factories);

        // The mediator and its metadata ask the commands' services of CommandServices, which answers what it knows
        // and asks the container for anything else.
        factories[typeof(Mediator.Mediator)] = sp => new Mediator.Mediator(commands.Over(sp));
        // The metadata asks for every command's wrapper, twice, when the first command is sent: through the container
        // each was a service resolved for the first time (2.4 % of a post with nothing to clean up). The wrappers are
        // stateless, so it is given them from here.
        factories[typeof(ContainerMetadata)] = sp => new ContainerMetadata(commands.Over(sp));
        factories[typeof(ContainerProbe0)] = _ => new ContainerProbe0();
        factories[typeof(ContainerProbe1)] = _ => new ContainerProbe1();
        factories[typeof(ForeachAwaitPublisher)] = _ => new ForeachAwaitPublisher();

        // Setup.
        Command<BeginSetup, BeginSetupHandler>(factories, wrappers, pipelines, _ => new BeginSetupHandler());
        Command<AttachSession, AttachSessionHandler>(factories, wrappers, pipelines, _ => new AttachSessionHandler());
        Command<AttachForeignBuilder, AttachForeignBuilderHandler>(factories, wrappers, pipelines, sp => new AttachForeignBuilderHandler(
            sp.GetRequiredService<IBuildkitDaemon>(), sp.GetRequiredService<IBuilderRegistry>()));
        Command<ExposeStickyDisk, ExposeStickyDiskHandler>(factories, wrappers, pipelines, sp => new ExposeStickyDiskHandler(
            sp.GetRequiredService<IStickyDiskStore>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));
        Command<MountStickyDisk, MountStickyDiskHandler>(factories, wrappers, pipelines, sp => new MountStickyDiskHandler(
            sp.GetRequiredService<IBlockDevice>(), sp.GetRequiredService<IBuildkitDaemon>(), sp.GetRequiredService<ILifecycleContext>(),
            sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<MountStickyDiskHandler>("Blacksmith.Steps.Setup.MountStickyDiskHandler")));
        Command<SpawnDaemon, SpawnDaemonHandler>(factories, wrappers, pipelines, sp => new SpawnDaemonHandler(sp.GetRequiredService<IBuildkitDaemon>()));
        Command<AwaitDaemonReady, AwaitDaemonReadyHandler>(factories, wrappers, pipelines, sp => new AwaitDaemonReadyHandler(
            sp.GetRequiredService<IBuildkitDaemon>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));
        Command<RegisterBuilder, RegisterBuilderHandler>(factories, wrappers, pipelines, sp => new RegisterBuilderHandler(
            sp.GetRequiredService<IBuilderRegistry>(), sp.GetRequiredService<ILifecycleContext>()));
        Command<ActivateFallback, ActivateFallbackHandler>(factories, wrappers, pipelines, sp => new ActivateFallbackHandler(sp.GetRequiredService<IBuilderRegistry>()));

        // Builds.
        Command<BeginBuild, BeginBuildHandler>(factories, wrappers, pipelines, _ => new BeginBuildHandler());
        Command<CompleteBuild, CompleteBuildHandler>(factories, wrappers, pipelines, _ => new CompleteBuildHandler());

        // Post.
        Command<BeginPost, BeginPostHandler>(factories, wrappers, pipelines, _ => new BeginPostHandler());
        Command<ReconcileHoldings, ReconcileHoldingsHandler>(factories, wrappers, pipelines, sp => new ReconcileHoldingsHandler(
            sp.GetRequiredService<IStickyDiskStore>(), sp.GetRequiredService<IBlockDevice>(), sp.GetRequiredService<IBuildkitDaemon>(),
            sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<ReconcileHoldingsHandler>("Blacksmith.Steps.Post.ReconcileHoldingsHandler")));
        Command<PruneCache, PruneCacheHandler>(factories, wrappers, pipelines, sp => new PruneCacheHandler(
            sp.GetRequiredService<IBuildkitDaemon>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>(),
            sp.LoggerFor<PruneCacheHandler>("Blacksmith.Steps.Post.PruneCacheHandler")));
        Command<StopDaemon, StopDaemonHandler>(factories, wrappers, pipelines, sp => new StopDaemonHandler(
            sp.GetRequiredService<IBuildkitDaemon>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));
        Command<UnmountStickyDisk, UnmountStickyDiskHandler>(factories, wrappers, pipelines, sp => new UnmountStickyDiskHandler(
            sp.GetRequiredService<DiskUnmounter>(), sp.GetRequiredService<ILifecycleContext>()));
        Command<CheckEarlierSteps, CheckEarlierStepsHandler>(factories, wrappers, pipelines, sp => new CheckEarlierStepsHandler(
            sp.GetRequiredService<IEarlierStepsProbe>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));
        Command<ReleaseStickyDisk, ReleaseStickyDiskHandler>(factories, wrappers, pipelines, sp => new ReleaseStickyDiskHandler(
            sp.GetRequiredService<IStickyDiskStore>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));
        Command<FinishDraining, FinishDrainingHandler>(factories, wrappers, pipelines, _ => new FinishDrainingHandler());
        Command<CommitStickyDisk, CommitStickyDiskHandler>(factories, wrappers, pipelines, sp => new CommitStickyDiskHandler(
            sp.GetRequiredService<IStickyDiskStore>(), sp.GetRequiredService<ILifecycleContext>(), sp.GetRequiredService<TimeProvider>()));

        // Each command's behaviour registrations, in the container's order, as they stand once swapped.
        var behaviours = new Dictionary<Type, List<ServiceDescriptor>>(pipelines.Count);
        foreach (var pipeline in pipelines)
        {
            behaviours[pipeline.BehaviourType] = new List<ServiceDescriptor>(pipeline.Behaviours.Count);
        }

        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (!descriptor.IsKeyedService && descriptor.ImplementationType is { } type && factories.TryGetValue(type, out var factory))
            {
                descriptor = services[i] = ServiceDescriptor.Describe(descriptor.ServiceType, factory, descriptor.Lifetime);
            }

            if (behaviours.TryGetValue(descriptor.ServiceType, out var registered))
            {
                registered.Add(descriptor);
            }
        }

        // A command's pipeline is answered by CommandServices when its registrations are exactly the behaviours AddMediator
        // listed, each transient (any other, such as one a caller added before the engine, leaves it to the container):
        // the container makes an enumeration's array by Array.CreateInstance, whose first use in a process reads the
        // element type by Native AOT reflection (about 3 % of a post with nothing to clean up).
        foreach (var pipeline in pipelines)
        {
            if (AreExactly(behaviours[pipeline.BehaviourType], pipeline.Behaviours, factories))
            {
                commands.Answer(pipeline);
            }
        }

        commands.Seal(pipelines.Count);
        return services;
    }

    private static bool AreExactly(List<ServiceDescriptor> registered, IReadOnlyList<Type> listed, Dictionary<Type, Func<IServiceProvider, object>> factories)
    {
        if (registered.Count != listed.Count)
        {
            return false;
        }

        for (var i = 0; i < listed.Count; i++)
        {
            if (registered[i] is not { Lifetime: ServiceLifetime.Transient, IsKeyedService: false } descriptor || descriptor.ImplementationFactory != factories[listed[i]])
            {
                return false;
            }
        }

        return true;
    }

    // The handler, its wrapper and the behaviours the generator closed over the command, in the order AddMediator lists them.
    private static void Command<TCommand, THandler>(
        Dictionary<Type, Func<IServiceProvider, object>> factories,
        Dictionary<Type, object> wrappers,
        List<ICommandPipeline> pipelines,
        Func<IServiceProvider, THandler> handler)
        where TCommand : ILifecycleCommand
        where THandler : class, ICommandHandler<TCommand, LifecycleResult>
    {
        factories[typeof(THandler)] = handler;
        var wrapper = new CommandHandlerWrapper<TCommand, LifecycleResult>();
        wrappers[typeof(CommandHandlerWrapper<TCommand, LifecycleResult>)] = wrapper;
        factories[typeof(CommandHandlerWrapper<TCommand, LifecycleResult>)] = _ => wrapper;
        factories[typeof(CommandLoggingBehavior<TCommand, LifecycleResult>)] = sp => new CommandLoggingBehavior<TCommand, LifecycleResult>(
            sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<CommandLoggingBehavior<TCommand, LifecycleResult>>("Blacksmith.Orchestration.Pipeline.CommandLoggingBehavior"));
        factories[typeof(ClaimProjectionBehavior<TCommand, LifecycleResult>)] = sp => new ClaimProjectionBehavior<TCommand, LifecycleResult>(
            sp.GetRequiredService<IJobClaim>(), sp.GetRequiredService<IFailpoints>());
        factories[typeof(LifecycleTransactionBehavior<TCommand, LifecycleResult>)] = sp => new LifecycleTransactionBehavior<TCommand, LifecycleResult>(
            sp.GetRequiredService<LifecycleJournal>(), sp.LoggerFor<LifecycleTransactionBehavior<TCommand, LifecycleResult>>("Blacksmith.Orchestration.Pipeline.LifecycleTransactionBehavior"));
        pipelines.Add(new CommandPipeline<TCommand>(
            [typeof(CommandLoggingBehavior<TCommand, LifecycleResult>), typeof(ClaimProjectionBehavior<TCommand, LifecycleResult>), typeof(LifecycleTransactionBehavior<TCommand, LifecycleResult>)]));
    }
}
