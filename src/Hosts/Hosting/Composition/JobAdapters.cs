using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
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

        // TEST ONLY: a kill -9 at a named moment (BLACKSMITH_TEST_KILL_AT, docs/end-to-end-tests.md); null when unset.
        var failpoints = TestFailpoints.FromEnvironment(Read);
        if (failpoints is not null)
        {
            services.AddSingleton<IFailpoints>(failpoints);
        }

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
                // The job directory is the holder of what the store exposes, so a post or a later cleanup finds an
                // exposure the job was killed before it could journal.
                new LocalStoreOptions(options.DataDirectory) { Holder = settings.JobDirectory, Failpoints = failpoints },
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

        // This job's claim, kept by the pipeline as a projection of its journal; and every job's, for the cleanup after
        // jobs that ended without their post step. The cleanup acts through the adapters themselves, undecorated: it is
        // not this job's lifecycle, so its calls are not replayed; each cleanup is journaled as one leftovers.clean effect.
        services.AddLeftoverCleanup(Read, EffectRecordingRegistration.InnerKey);
        services.AddSingleton<IJobClaim>(sp => new JobClaimFile(
            sp.GetRequiredService<JobClaims>(), settings.JobDirectory, sp.GetRequiredService<IMachineFacts>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JobClaimFile>>()));

        // The hosts that drive a job through these adapters.
        services.AddSingleton(options);
        services.AddSingleton<SetupHost>();
        services.AddSingleton<BuildHost>();
        services.AddSingleton<PostHost>();
        return services;
    }
}
