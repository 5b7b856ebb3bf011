using Blacksmith.Hosting.Composition;
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
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosting;

/// <summary>
/// The composition root of the engine, shared by the blacksmith executable and by programs that embed the engine.
/// The adapters for the ports (journal, sticky-disk store, block device, daemon, builders, earlier-steps probe)
/// are registered by the caller or by the infrastructure's own registration, before this is called: every port
/// registered by then gets a recording decorator, so that each external call is journaled.
/// </summary>
public static class BlacksmithEngineServiceCollectionExtensions
{
    public static IServiceCollection AddBlacksmithEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        // Every service of ours is built by a factory, never by its type: the container would find and invoke the
        // constructor by reflection, which under Native AOT each step's start paid for (docs/benchmarks.md).
        services.TryAddSingleton(_ => new LifecycleContextAccessor());
        services.TryAddSingleton<ILifecycleContext>(sp => sp.GetRequiredService<LifecycleContextAccessor>());
        services.TryAddSingleton(sp => new LifecycleJournal(
            sp.GetRequiredService<IJournalStore>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<LifecycleJournal>("Blacksmith.Orchestration.Journal.LifecycleJournal"), sp.GetService<IFailpoints>()));
        services.TryAddSingleton<ILifecycleSender>(sp => new MediatorLifecycleSender(sp.GetRequiredService<Mediator.Mediator>()));
        services.TryAddSingleton(sp => new SetupSequence(sp.GetRequiredService<ILifecycleSender>()));
        services.TryAddSingleton(sp => new PostSequence(sp.GetRequiredService<ILifecycleSender>(), sp.GetRequiredService<LifecycleJournal>()));
        services.TryAddSingleton(sp => new BuildSequence(sp.GetRequiredService<ILifecycleSender>(), sp.GetRequiredService<IImageBuilder>()));
        services.TryAddSingleton(sp => new DiskUnmounter(
            sp.GetRequiredService<IBlockDevice>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<DiskUnmounter>("Blacksmith.Steps.Release.DiskUnmounter")));

        // A host on a machine that later jobs share registers the real claim; without one, the journal alone names
        // what the job holds.
        services.TryAddSingleton<IJobClaim>(_ => new NoJobClaim());

        // The kill points pass unremarked unless a test registered its own (docs/end-to-end-tests.md).
        services.TryAddSingleton<IFailpoints>(NoFailpoints.Instance);
        // Microsoft's logging only for a caller that registered no logger factory: its ILogger<> and options are open
        // generic registrations, which the container checks through reflection when it is built (about 3 % of a post
        // with nothing to clean up), and the engine's loggers come from the factory alone (ServiceProviderLoggers).
        if (!services.Any(d => d.ServiceType == typeof(ILoggerFactory)))
        {
            services.AddLogging();
        }

        // The generator reads these options at compile time: they must stay literal. The behaviours run in this
        // order around every lifecycle command; a command without a handler fails the build (MSG0005). Transient, not
        // singleton: a singleton mediator builds every handler, its adapters and its behaviours on the first send, and a
        // step's process sends few of the commands (post with nothing to do sends one) but would build them all on every
        // start. The handlers and behaviours keep no state of their own, so a fresh one per command changes nothing.
        // No Assemblies: the generator then scans every referenced assembly and finds the same handlers, while a list
        // would be worked out again at run time as each listed type's Assembly, which under Native AOT is reflection
        // over every assembly's name (2.4 % of a post with nothing to clean up).
        services.AddMediator((MediatorOptions options) =>
        {
            options.Namespace = "Blacksmith.Hosting.Mediator";
            options.ServiceLifetime = ServiceLifetime.Transient;
            options.GenerateTypesAsInternal = true;
            options.PipelineBehaviors = [typeof(CommandLoggingBehavior<,>), typeof(ClaimProjectionBehavior<,>), typeof(LifecycleTransactionBehavior<,>)];
        });
        return services.ConstructCommandsDirectly().AddEffectRecording();
    }
}
