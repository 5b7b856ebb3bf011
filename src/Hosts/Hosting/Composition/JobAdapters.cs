using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Hosting.Telemetry;
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
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Job;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Resilience;
using Blacksmith.Steps.Setup;
using Blacksmith.Steps.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// The real adapter behind every port, for a host running a job on this machine. On a Blacksmith runner
/// (<see cref="BlacksmithRunner"/>) the agent comes with Blacksmith's control plane and the registry mirror on the
/// agent's host. A self-hosted <c>blacksmith-agent</c> gets neither (its token never leaves for a third party), and
/// local mode uses the local store; both dial nothing else out unless the user names a mirror or a control plane.
/// </summary>
public static class JobAdapters
{
    /// <summary>Where Docker Hub pulls go on a Blacksmith runner: the agent's host serves a mirror on this port.</summary>
    public const int AgentRegistryMirrorPort = 5000;

    /// <summary>A Docker Hub mirror the user names; used in every mode.</summary>
    public const string RegistryMirrorVariable = "BLACKSMITH_REGISTRY_MIRROR";

    /// <summary>A control-plane address the user names; reports go there in every mode (ControlPlaneOptions reads it).</summary>
    public const string ControlPlaneVariable = "BLACKSMITH_BACKEND_URL";

    /// <summary>A self-hosted agent's address when none is configured: <c>blacksmith-agent</c>'s own default.</summary>
    public static readonly Uri SelfHostedAgentAddress = new("http://127.0.0.1:5557");

    /// <summary>Registers the adapters; call before <see cref="BlacksmithEngineServiceCollectionExtensions.AddBlacksmithEngine"/> so each gets its recording decorator.</summary>
    public static IServiceCollection AddJobAdapters(this IServiceCollection services, JobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var environment = options.Environment;
        string? Read(string name) => environment.Read(name);
        string? NonEmpty(string name) => string.IsNullOrWhiteSpace(Read(name)) ? null : Read(name)!.Trim();
        var settings = options.Settings;
        if (options.Store == StoreMode.Local && !Path.IsPathFullyQualified(options.DataDirectory))
        {
            // Each step would resolve it against its own working directory and open a store of its own there.
            var problem = $"The local store's data directory (--data-dir or {LocalStoreOptions.DataDirectoryVariable}) must be an absolute path, but is '{options.DataDirectory}': steps of one job may run in different working directories.";
            settings = settings with { Problem = settings.Problem is null ? problem : $"{settings.Problem} {problem}" };
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options.Ci);
        services.AddSingleton(environment);
        services.AddSingleton(settings);
        services.AddSingleton<IJournalStore>(new JournalFile(settings.JobDirectory));
        services.AddSingleton(sp => new ProcessRunner(sp.LoggerFor<ProcessRunner>("Blacksmith.Infrastructure.Processes.ProcessRunner"), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(Privilege.Current);

        // TEST ONLY: a kill -9 at a named moment (BLACKSMITH_TEST_KILL_AT, docs/end-to-end-tests.md); null when unset.
        var failpoints = TestFailpoints.FromEnvironment(Read);
        if (failpoints is not null)
        {
            services.AddSingleton<IFailpoints>(failpoints);
        }

        var blacksmith = BlacksmithRunner.Detect(Read);
        var mirror = NonEmpty(RegistryMirrorVariable);
        if (options.Store == StoreMode.Agent)
        {
            var agent = AgentOptions.FromEnvironment(Read);
            if (blacksmith is not null)
            {
                mirror ??= $"http://{agent.Address.Host}:{AgentRegistryMirrorPort}";
            }
            else if (NonEmpty(AgentOptions.AddressVariable) is null)
            {
                // Not Blacksmith's VM, so not its gateway (192.168.127.1 may be anyone's here): the agent on this host.
                agent = agent with { Address = SelfHostedAgentAddress };
            }

            services.AddSingleton<IStickyDiskStore>(_ => new AgentStickyDiskStore(agent));
        }
        else
        {
            services.AddSingleton(sp => new LocalStickyDiskStore(
                // The job directory is the holder of what the store exposes, so a post or a later cleanup finds an
                // exposure the job was killed before it could journal.
                new LocalStoreOptions(options.DataDirectory) { Holder = settings.JobDirectory, Failpoints = failpoints },
                sp.GetRequiredService<ProcessRunner>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.LoggerFor<LocalStickyDiskStore>("Blacksmith.Infrastructure.LocalStore.LocalStickyDiskStore")));
            services.AddSingleton<IStickyDiskStore>(sp => sp.GetRequiredService<LocalStickyDiskStore>());
        }

        // Blacksmith's API serves Blacksmith's agent only; anywhere else only an address the user gives is reported to.
        // Whatever the control plane does, a step spends at most ReportBudget.PerStep on all its reports together.
        if ((blacksmith is not null && options.Store == StoreMode.Agent) || NonEmpty(ControlPlaneVariable) is not null)
        {
            services.AddSingleton(sp => new HttpControlPlane(
                ControlPlaneOptions.FromEnvironment(Read), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<HttpControlPlane>("Blacksmith.Infrastructure.ControlPlane.HttpControlPlane")));
            services.AddSingleton<IControlPlane>(sp => new BoundedControlPlane(
                sp.GetRequiredService<HttpControlPlane>(), new ReportBudget(ReportBudget.PerStep, sp.GetRequiredService<TimeProvider>())));
        }
        else
        {
            services.AddSingleton<IControlPlane>(_ => new NoControlPlane());
        }

        // Platform failures go to the platform that had them: a Blacksmith runner's, never a self-hosted machine's.
        services.AddSingleton(sp => new FailureReporter(sp.GetRequiredService<IControlPlane>(), enabled: blacksmith is not null));

        // Each job's own root is one more directory per job ever run: the device removes it again once unmounted.
        var jobRoots = blacksmith is null ? JobBuildkitPaths.RootsDirectory(Read, Privilege.Current.IsRoot) : null;
        LinuxBlockDevice Device(IServiceProvider sp) =>
            new(sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(), new BlockDeviceTimeouts()) { JobRootsDirectory = jobRoots };

        // Without loop devices the local store hands out directories, which are linked rather than mounted.
        services.AddSingleton<IBlockDevice>(sp => options.Store == StoreMode.Local && sp.GetRequiredService<LocalStickyDiskStore>().Mode == LocalStoreMode.Directory
            ? new DirectoryVolume()
            : Device(sp));
        services.AddSingleton(new BuildkitOptions
        {
            RegistryMirror = mirror,
            MaxParallelism = options.MaxParallelism,
            Environment = options.DaemonEnvironment,
        });
        services.AddSingleton<IBuildkitDaemon>(sp => new BuildkitDaemon(
            sp.GetRequiredService<BuildkitOptions>(), sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(),
            sp.LoggerFor<BuildkitDaemon>("Blacksmith.Infrastructure.Buildkit.BuildkitDaemon"), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new BuilderRegistryOptions
        {
            Platforms = options.Platforms,
            RequestedBuildxVersion = options.BuildxVersion,
            RequestedBuildkitVersion = options.BuildkitVersion,
            RegistryMirror = mirror,
            ScratchDirectory = settings.JobDirectory,
        });
        services.AddSingleton(sp => new BuilderNameSource(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BuildxBuilderRegistry(
            sp.GetRequiredService<BuilderRegistryOptions>(), sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<BuilderNameSource>(),
            sp.LoggerFor<BuildxBuilderRegistry>("Blacksmith.Infrastructure.Buildx.BuildxBuilderRegistry")));
        services.AddSingleton<IBuilderRegistry>(sp => sp.GetRequiredService<BuildxBuilderRegistry>());
        services.AddSingleton<IBuilderInspector>(sp => sp.GetRequiredService<BuildxBuilderRegistry>());
        // Secrets in memory, per job: what a build killed mid-build leaves, post or a later job's cleanup removes.
        var secretDirectories = BuildSecretDirectories.ForThisUser(Read);
        services.AddSingleton<IBuildSecrets>(secretDirectories);
        services.AddSingleton(new BuildxOptions { TemporaryRoot = settings.JobDirectory, SecretDirectories = secretDirectories });
        // Read when a build first asks: it parses the runner's event file, which no other step needs.
        services.AddSingleton(_ => BuildEnvironment.Read(Read));
        services.AddSingleton<IImageBuilder>(sp => new BuildxImageBuilder(
            sp.GetRequiredService<BuildxOptions>(), sp.GetRequiredService<BuildEnvironment>(), sp.GetRequiredService<ProcessRunner>(),
            sp.LoggerFor<BuildxImageBuilder>("Blacksmith.Infrastructure.Buildx.BuildxImageBuilder"), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEarlierStepsProbe>(_ => options.Ci.Kind == CiKind.GitHubActions
            ? new JobStatusProbe(options.Ci, RunnerDiagnosticsProbe.ForThisProcess(environment))
            : new JobStatusProbe(options.Ci));

        // This job's claim, kept by the pipeline as a projection of its journal; and every job's, for the cleanup after
        // jobs that ended without their post step. The cleanup acts through the adapters themselves, undecorated: it is
        // not this job's lifecycle, so its calls are not replayed; each cleanup is journaled as one leftovers.clean effect.
        services.AddLeftoverCleanup(Read, EffectRecordingRegistration.InnerKey);
        services.AddSingleton<IJobClaim>(sp => new JobClaimFile(
            sp.GetRequiredService<JobClaims>(), settings.JobDirectory, sp.GetRequiredService<IMachineFacts>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<JobClaimFile>("Blacksmith.Infrastructure.Leftovers.JobClaimFile")));

        // Whether the run is a pull request from a fork only GitHub Actions' event says; the daemon's log, when it never became ready.
        services.AddSingleton<IForkPullRequestProbe>(options.Ci.Kind == CiKind.GitHubActions ? new EventFileForkProbe(environment) : NoForkPullRequests.Instance);
        services.AddSingleton<IDaemonLog>(_ => new DaemonLogTail());

        // The one job driver, and the hosts that read inputs, call it and render what it says.
        services.AddSingleton(options);
        services.AddTraceExport(Read);
        // A step's process builds only what it uses: post with nothing to clean up neither sweeps, builds nor touches
        // the store, and the sweep alone would build the store, the block device and the daemon.
        services.AddSingleton(sp => new JobSequences(
            sp.GetRequiredService<SetupSequence>, sp.GetRequiredService<BuildSequence>, sp.GetRequiredService<PostSequence>));
        services.AddSingleton(sp => new JobSideEffects(
            new DeferredJobSweep(sp.GetRequiredService<LeftoverSweep>),
            sp.GetRequiredService<IClaimRegistry>(),
            sp.GetRequiredService<FailureReporter>(),
            sp.GetRequiredService<IForkPullRequestProbe>(),
            sp.GetRequiredService<IDaemonLog>(),
            // Build reports go to the control plane of the agent that holds the job's disk.
            options.Store == StoreMode.Agent ? new JobReporting(Metrics: true, Builds: true) : JobReporting.MetricsOnly)
        {
            Secrets = sp.GetRequiredService<IBuildSecrets>(),
            TraceExport = sp.GetService<JobTraceExport>(),
        });
        // A factory: the driver's constructor is internal, and the container only activates public ones.
        services.AddSingleton(sp => new JobDriver(
            sp.GetRequiredService<JobSequences>(),
            sp.GetRequiredService<LifecycleJournal>(),
            sp.GetRequiredService<IJournalStore>(),
            sp.GetRequiredService<IStickyDiskStore>,
            sp.GetRequiredService<IControlPlane>(),
            sp.GetRequiredService<JobSideEffects>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SetupHost(
            sp.GetRequiredService<ICiRuntime>(), sp.GetRequiredService<IEnvironmentReader>(), sp.GetRequiredService<HostSettings>(),
            sp.GetRequiredService<JobDriver>(), sp.GetRequiredService<IBuilderInspector>()));
        services.AddSingleton(sp => new BuildHost(sp.GetRequiredService<ICiRuntime>(), sp.GetRequiredService<JobDriver>()));
        services.AddSingleton(sp => new PostHost(
            sp.GetRequiredService<ICiRuntime>(), sp.GetRequiredService<HostSettings>(), sp.GetRequiredService<JobDriver>(), sp.GetService<TraceExportRequest>()));
        return services;
    }
}
