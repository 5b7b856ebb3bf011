using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// The real adapter behind every port, for a host running a job on this machine. Agent mode adds the agent, the
/// control plane and the registry mirror; local mode uses the local store and dials nothing out.
/// </summary>
public static class JobAdapters
{
    /// <summary>Where Docker Hub pulls go on a Blacksmith runner: the agent's host serves a mirror on this port.</summary>
    public const int AgentRegistryMirrorPort = 5000;

    /// <summary>Registers the adapters; call before <see cref="BlacksmithEngineServiceCollectionExtensions.AddBlacksmithEngine"/> so each gets its recording decorator.</summary>
    public static IServiceCollection AddJobAdapters(this IServiceCollection services, JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var environment = options.Environment;
        string? Read(string name) => environment.Read(name);
        var settings = options.Settings;

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options.Ci);
        services.AddSingleton(environment);
        services.AddSingleton(settings);
        services.AddSingleton<IJournalStore>(new JournalFile(settings.JobDirectory));
        services.AddSingleton<ProcessRunner>();
        services.AddSingleton(Privilege.Current);

        string? mirror = null;
        if (options.Store == StoreMode.Agent)
        {
            var agent = AgentOptions.FromEnvironment(Read);
            mirror = Read("BLACKSMITH_REGISTRY_MIRROR") ?? $"http://{agent.Address.Host}:{AgentRegistryMirrorPort}";
            services.AddSingleton<IStickyDiskStore>(_ => new AgentStickyDiskStore(agent));
            services.AddSingleton<IControlPlane>(sp => new HttpControlPlane(
                ControlPlaneOptions.FromEnvironment(Read), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HttpControlPlane>>()));
        }
        else
        {
            services.AddSingleton(sp => new LocalStickyDiskStore(
                new LocalStoreOptions(options.DataDirectory),
                sp.GetRequiredService<ProcessRunner>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LocalStickyDiskStore>>()));
            services.AddSingleton<IStickyDiskStore>(sp => sp.GetRequiredService<LocalStickyDiskStore>());
            services.AddSingleton<IControlPlane, NoControlPlane>();
        }

        // Without loop devices the local store hands out directories, which are linked rather than mounted.
        services.AddSingleton<IBlockDevice>(sp => options.Store == StoreMode.Local && sp.GetRequiredService<LocalStickyDiskStore>().Mode == LocalStoreMode.Directory
            ? new DirectoryVolume()
            : new LinuxBlockDevice(sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(), new BlockDeviceTimeouts()));
        services.AddSingleton(new BuildkitOptions
        {
            RegistryMirror = mirror,
            MaxParallelism = options.MaxParallelism,
            Environment = options.DaemonEnvironment,
        });
        services.AddSingleton<IBuildkitDaemon, BuildkitDaemon>();
        services.AddSingleton(new BuilderRegistryOptions
        {
            Platforms = options.Platforms,
            RequestedBuildxVersion = options.BuildxVersion,
            RequestedBuildkitVersion = options.BuildkitVersion,
            RegistryMirror = mirror,
            ScratchDirectory = settings.JobDirectory,
        });
        services.AddSingleton<BuilderNameSource>();
        services.AddSingleton<BuildxBuilderRegistry>();
        services.AddSingleton<IBuilderRegistry>(sp => sp.GetRequiredService<BuildxBuilderRegistry>());
        services.AddSingleton<IBuilderInspector>(sp => sp.GetRequiredService<BuildxBuilderRegistry>());
        services.AddSingleton(new BuildxOptions { TemporaryRoot = settings.JobDirectory });
        services.AddSingleton(BuildEnvironment.Read(Read));
        services.AddSingleton<IImageBuilder, BuildxImageBuilder>();
        services.AddSingleton<IEarlierStepsProbe>(_ => options.Ci.Kind == CiKind.GitHubActions
            ? new JobStatusProbe(options.Ci, RunnerDiagnosticsProbe.ForThisProcess(environment))
            : new JobStatusProbe(options.Ci));

        // Earlier jobs of this machine that were killed before their post step: found through their claims and cleaned
        // up with adapters of their own, undecorated, since this is not the job's lifecycle (docs/leftovers.md).
        services.AddSingleton(new JobClaims(JobClaims.DefaultDirectory(Read, Privilege.Current.IsRoot)));
        services.AddSingleton(sp =>
        {
            var runner = sp.GetRequiredService<ProcessRunner>();
            var privilege = sp.GetRequiredService<Privilege>();
            var time = sp.GetRequiredService<TimeProvider>();
            return new LeftoverSweeper(
                sp.GetRequiredService<JobClaims>(),
                new BuildkitDaemon(sp.GetRequiredService<BuildkitOptions>(), runner, privilege, sp.GetRequiredService<ILogger<BuildkitDaemon>>(), time),
                new LinuxBlockDevice(runner, privilege, new BlockDeviceTimeouts()),
                sp.GetKeyedService<IStickyDiskStore>(EffectRecordingRegistration.InnerKey) ?? sp.GetRequiredService<IStickyDiskStore>(),
                sp.GetRequiredService<IEffectRecorder>(),
                sp.GetRequiredService<ILogger<LeftoverSweeper>>(),
                time);
        });

        // The hosts that drive a job through these adapters.
        services.AddSingleton(options);
        services.AddSingleton<SetupHost>();
        services.AddSingleton<BuildHost>();
        services.AddSingleton<PostHost>();
        return services;
    }
}
