using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Cli.Verbs;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Hosts.Tests.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Post;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests;

/// <summary>A step's process builds what the commands it sends need, not the whole engine: each start pays for what it builds.</summary>
public sealed class ColdPathTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-cold-");

    [Fact]
    public async Task Post_with_nothing_to_clean_up_builds_none_of_the_adapters_only_setup_and_builds_use()
    {
        var built = new List<string>();
        T Count<T>(T adapter)
        {
            built.Add(typeof(T).Name);
            return adapter;
        }

        var services = new ServiceCollection()
            .AddSingleton<IJournalStore>(new InMemoryJournalStore())
            .AddSingleton<IStickyDiskStore>(_ => Count(new FakeStickyDiskStore()))
            .AddSingleton<IBlockDevice>(_ => Count(new FakeBlockDevice()))
            .AddSingleton<IBuildkitDaemon>(_ => Count(new FakeBuildkitDaemon()))
            .AddSingleton<IBuilderRegistry>(_ => Count(new FakeBuilderRegistry()))
            .AddSingleton<IEarlierStepsProbe>(new FakeEarlierStepsProbe())
            .AddSingleton<IImageBuilder>(_ => Count(new FakeImageBuilder()))
            .AddBlacksmithEngine();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var outcome = await provider.GetRequiredService<PostSequence>().RunAsync("post-1", TestContext.Current.CancellationToken);

        Assert.Equal(LifecycleState.Done, outcome.Snapshot.State);
        Assert.Equal(SkipReason.NoSetup, Assert.IsType<CommitDecision.Skip>(outcome.Snapshot.Decision).Reason);
        Assert.Empty(built);
    }

    [Fact]
    public async Task Post_step_with_nothing_to_clean_up_builds_neither_the_leftover_sweep_nor_the_adapters_only_setup_and_builds_use()
    {
        // The step's own composition, as `blacksmith post` builds it: the sweep after earlier jobs runs only before
        // setup, and through it the store (whose mode reads its marker file), the block device and the daemon would be
        // built too; the image builder only a build uses, and with it the build environment (which parses the runner's
        // event file).
        Type[] onlySetupAndBuilds =
        [
            typeof(LeftoverSweep), typeof(ClaimCleanup), typeof(LocalStickyDiskStore), typeof(IStickyDiskStore), typeof(IBlockDevice),
            typeof(IBuildkitDaemon), typeof(BuildxBuilderRegistry), typeof(IBuilderRegistry), typeof(IImageBuilder), typeof(BuildSequence),
            typeof(BuildEnvironment),
        ];
        var environment = new MapEnvironment(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [JobClaims.DirectoryVariable] = Directory.CreateDirectory(Path.Combine(_dir.FullName, "claims")).FullName,
        });
        var services = new ServiceCollection().AddJobAdapters(Job(StoreMode.Local, environment)).AddLogging().AddBlacksmithEngine();
        var built = new List<string>();
        for (var i = 0; i < services.Count; i++)
        {
            if (onlySetupAndBuilds.Contains(services[i].ServiceType))
            {
                services[i] = Counted(services[i], built);
            }
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var exit = await provider.GetRequiredService<PostHost>().RunAsync("post-1", TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, string.Join(", ", built));
    }

    [Theory]
    [InlineData(StoreMode.Local)]
    [InlineData(StoreMode.Agent)]
    public void A_step_builds_each_of_our_services_with_a_factory_and_none_by_reflection_on_its_constructor(StoreMode store)
    {
        // What the container activates by type it finds and invokes by reflection, which under Native AOT each step's
        // start paid for (and which widens the map of reflectable methods that Delegate.Method searches).
        var environment = new MapEnvironment(new Dictionary<string, string>(StringComparer.Ordinal) { ["BLACKSMITH_VM_ID"] = "vm-1" });
        var services = new ServiceCollection().AddJobAdapters(Job(store, environment)).AddLogging().AddBlacksmithEngine();

        var byType = services
            .Select(d => d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType)
            .Where(t => t is not null && t.Assembly.GetName().Name!.StartsWith("Blacksmith.", StringComparison.Ordinal))
            .Select(t => t!.Name)
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(string.Empty, string.Join(", ", byType));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<PostHost>());
        Assert.NotNull(provider.GetRequiredService<SetupHost>());
        Assert.NotNull(provider.GetRequiredService<BuildHost>());
    }

    [Theory]
    [InlineData(StoreMode.Local)]
    [InlineData(StoreMode.Agent)]
    public void A_step_registers_no_open_generic_service(StoreMode store)
    {
        // The container checks each open generic registration when it is built, reading its type parameters and their
        // trimming attributes through Native AOT reflection: about 3 % of post's CPU for Microsoft's logging, whose
        // ILogger<> and options a step never asks for (its loggers come from the ILoggerFactory it registers).
        var environment = new MapEnvironment(new Dictionary<string, string>(StringComparer.Ordinal) { ["BLACKSMITH_VM_ID"] = "vm-1" });
        using var logger = new Serilog.LoggerConfiguration().CreateLogger();

        var services = HostInvocation.Services(Job(store, environment), logger);

        Assert.Equal(string.Empty, string.Join(", ", services.Where(d => d.ServiceType.IsGenericTypeDefinition).Select(d => d.ServiceType.Name).Distinct()));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<PostHost>());
        Assert.NotNull(provider.GetRequiredService<SetupHost>());
        Assert.NotNull(provider.GetRequiredService<BuildHost>());
    }

    [Theory]
    [InlineData(StoreMode.Local)]
    [InlineData(StoreMode.Agent)]
    public void Each_logger_a_step_makes_is_named_for_a_type_of_ours_as_microsofts_logger_names_it(StoreMode store)
    {
        // The categories are written out (ServiceProviderLoggers): a type renamed or moved would leave its old name.
        var environment = new MapEnvironment(new Dictionary<string, string>(StringComparer.Ordinal) { ["BLACKSMITH_VM_ID"] = "vm-1" });
        var categories = new CategoryRecorder();
        var services = new ServiceCollection().AddJobAdapters(Job(store, environment)).AddSingleton<ILoggerFactory>(categories).AddBlacksmithEngine();
        using var provider = services.BuildServiceProvider();

        foreach (var type in services.Where(d => !d.IsKeyedService && !d.ServiceType.IsGenericTypeDefinition).Select(d => d.ServiceType).Distinct())
        {
            _ = provider.GetServices(type).ToList();
        }

        var ours = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name!.StartsWith("Blacksmith.", StringComparison.Ordinal))
            .SelectMany(a => a.GetTypes())
            .Select(t => t.FullName!.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Blacksmith.Orchestration.Journal.LifecycleJournal", categories.Names);
        Assert.Contains("Blacksmith.Orchestration.Pipeline.CommandLoggingBehavior", categories.Names);
        Assert.All(categories.Names, name => Assert.Contains(name, ours));
    }

    [Fact]
    public void The_engine_adds_microsofts_logging_when_no_logger_factory_is_registered()
    {
        var services = new ServiceCollection().AddSingleton<IJournalStore>(new InMemoryJournalStore()).AddBlacksmithEngine();

        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ColdPathTests>>());
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>A logger factory that notes each category it is asked for.</summary>
    private sealed class CategoryRecorder : ILoggerFactory
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public ILogger CreateLogger(string categoryName)
        {
            lock (Names)
            {
                Names.Add(categoryName);
            }

            return NullLogger.Instance;
        }

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>The same registration, noting its service's name in <paramref name="built"/> when it is built.</summary>
    private static ServiceDescriptor Counted(ServiceDescriptor descriptor, List<string> built)
    {
        var name = descriptor.ServiceType.Name;
        if (descriptor.IsKeyedService)
        {
            var keyed = descriptor.KeyedImplementationFactory ?? throw new InvalidOperationException($"{name} is not built by a factory.");
            return new ServiceDescriptor(descriptor.ServiceType, descriptor.ServiceKey, (sp, key) =>
            {
                built.Add(name);
                return keyed(sp, key);
            }, descriptor.Lifetime);
        }

        var factory = descriptor.ImplementationFactory ?? throw new InvalidOperationException($"{name} is not built by a factory.");
        return new ServiceDescriptor(descriptor.ServiceType, sp =>
        {
            built.Add(name);
            return factory(sp);
        }, descriptor.Lifetime);
    }

    private JobOptions Job(StoreMode store, IEnvironmentReader environment)
    {
        var jobDirectory = Directory.CreateDirectory(Path.Combine(_dir.FullName, "job")).FullName;
        return new JobOptions
        {
            Settings = HostSettings.FromEnvironment(jobDirectory, environment.Read, isRoot: true),
            Store = store,
            DataDirectory = Path.Combine(_dir.FullName, "data"),
            Ci = new GenericCiRuntime(
                new GenericCiOptions { StateDirectory = jobDirectory }, environment, TextWriter.Null, TextWriter.Null, new Random(5), TimeProvider.System, new SecretMasker()),
            Environment = environment,
        };
    }
}
