using Blacksmith.Hosting;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.ControlPlane;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Job;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Release;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests;

/// <summary>The real composition root with hand-written fakes behind every port and an in-memory journal.</summary>
internal sealed class TestEngine : IDisposable
{
    private readonly ServiceProvider _provider;

    /// <param name="journal">The job's journal (a fresh one by default).</param>
    /// <param name="claim">The job's machine-level claim, when the test looks at it (none by default, as for embedders).</param>
    /// <param name="failpoints">Told of every kill point the engine passes, when the test looks at them (none by default).</param>
    /// <param name="controlPlane">The control plane, when the test looks at reports (none by default); its calls are recorded.</param>
    public TestEngine(InMemoryJournalStore? journal = null, IJobClaim? claim = null, IFailpoints? failpoints = null, IControlPlane? controlPlane = null)
    {
        Journal = journal ?? new InMemoryJournalStore();
        var services = new ServiceCollection();
        if (claim is not null)
        {
            services.AddSingleton(claim);
        }

        if (failpoints is not null)
        {
            services.AddSingleton(failpoints);
        }

        if (controlPlane is not null)
        {
            services.AddSingleton(controlPlane);
        }

        services
            .AddSingleton<IJournalStore>(Journal)
            .AddSingleton<IStickyDiskStore>(Store)
            .AddSingleton<IBlockDevice>(Device)
            .AddSingleton<IBuildkitDaemon>(Daemon)
            .AddSingleton<IBuilderRegistry>(Builders)
            .AddSingleton<IEarlierStepsProbe>(EarlierSteps)
            .AddSingleton<IImageBuilder>(Images)
            .AddBlacksmithEngine();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public InMemoryJournalStore Journal { get; }

    public FakeStickyDiskStore Store { get; } = new();

    public FakeBlockDevice Device { get; } = new();

    public FakeBuildkitDaemon Daemon { get; } = new();

    public FakeBuilderRegistry Builders { get; } = new();

    public FakeEarlierStepsProbe EarlierSteps { get; } = new();

    public FakeImageBuilder Images { get; } = new();

    public BuildSequence Build => _provider.GetRequiredService<BuildSequence>();

    public IMediator Mediator => _provider.GetRequiredService<IMediator>();

    /// <summary>The control plane given, behind its recording decorator.</summary>
    public IControlPlane ControlPlane => _provider.GetRequiredService<IControlPlane>();

    public Orchestration.Journal.LifecycleJournal Lifecycle => _provider.GetRequiredService<Orchestration.Journal.LifecycleJournal>();

    public SetupSequence Setup => _provider.GetRequiredService<SetupSequence>();

    public PostSequence Post => _provider.GetRequiredService<PostSequence>();

    /// <summary>Records effects in the journal, as the hosts' own effects outside a lifecycle command are.</summary>
    public Orchestration.Recording.IEffectRecorder Effects => _provider.GetRequiredService<Orchestration.Recording.IEffectRecorder>();

    /// <summary>The cleanup after earlier jobs, over this engine's fakes and <paramref name="claims"/>, on a machine with no other job running.</summary>
    public LeftoverSweep Sweep(IClaimRegistry claims) => new(
        claims,
        new FakeMachineFacts(),
        new ClaimCleanup(Daemon, Device, new DiskUnmounter(Device, TimeProvider.System, NullLogger<DiskUnmounter>.Instance), Store, TimeProvider.System),
        Effects,
        TimeProvider.System,
        NullLogger<LeftoverSweep>.Instance);

    /// <summary>
    /// The job driver over this engine's fakes, with the sweep and claims given, failure reports to <paramref name="failures"/>
    /// (none by default), no fork unless given, and the daemon's log file as the setup host reads it.
    /// </summary>
    public JobDriver Driver(
        IJobSweep sweep,
        IClaimRegistry claims,
        FailureReporter? failures = null,
        IForkPullRequestProbe? fork = null,
        IDaemonLog? daemonLog = null,
        IBuildSecrets? secrets = null) => new(
        new JobSequences(Setup, Build, Post),
        Lifecycle,
        Journal,
        _provider.GetRequiredService<IStickyDiskStore>(),
        _provider.GetService<IControlPlane>() ?? new NoControlPlane(),
        new JobSideEffects(
            sweep,
            claims,
            failures ?? new FailureReporter(new NoControlPlane(), enabled: false),
            fork ?? NoForkPullRequests.Instance,
            daemonLog ?? new DaemonLogTail(),
            JobReporting.MetricsOnly)
        {
            Secrets = secrets,
        },
        TimeProvider.System);

    /// <summary>Where every test job's daemon, root and job directory are.</summary>
    public static DaemonLaunch Launch { get; } = new("tcp://127.0.0.1:1234", "/var/lib/buildkit", "/tmp/job");

    public static SetupPlan Plan(string session, string cacheKey = "repo/job/amd64", bool allowFallback = true, CommitMode commit = CommitMode.Auto) =>
        new(session,
            new SetupFacts(cacheKey, "fake", commit, Root: Launch.Root, Address: Launch.Address),
            Launch.Root,
            Launch,
            TimeSpan.FromSeconds(5),
            allowFallback);

    public void Dispose() => _provider.Dispose();
}
