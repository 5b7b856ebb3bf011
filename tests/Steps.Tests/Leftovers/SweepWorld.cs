using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Release;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Steps.Tests.Leftovers;

/// <summary>One test's machine: claims, the daemons, mounts and store they name (all fakes), and varied jobs.</summary>
internal sealed class SweepWorld
{
    public const string ThisJob = "/tmp/blacksmith/this-job";

    private readonly Faker _faker = new() { Random = new Randomizer(4711) };

    public FakeClaimRegistry Claims { get; } = new();

    public FakeMachineFacts Machine { get; } = new();

    public FakeBlockDevice Devices { get; } = new();

    public FakeBuildkitDaemon Daemons { get; } = new();

    public FakeStickyDiskStore Store { get; } = new();

    public ListEffectRecorder Recorder { get; } = new();

    public VirtualTime Time { get; } = new(DateTimeOffset.UnixEpoch);

    public LeftoverOptions Options { get; set; } = new();

    public FakeBuildSecrets Secrets { get; } = new();

    /// <summary>A GitHub job's owner: its runner's Runner.Worker, alive or not.</summary>
    public ClaimOwner Worker(bool alive)
    {
        var owner = new ClaimOwner(_faker.Random.Int(1000, 60000), _faker.Random.Long(1, 1_000_000), "Runner.Worker", ClaimOwnerKind.RunnerWorker);
        if (alive)
        {
            Machine.Running.Add(owner.Pid);
        }

        return owner;
    }

    /// <summary>A job's owner elsewhere: setup's parent shell, alive or not.</summary>
    public ClaimOwner Shell(bool alive)
    {
        var owner = new ClaimOwner(_faker.Random.Int(1000, 60000), _faker.Random.Long(1, 1_000_000), "bash", ClaimOwnerKind.Parent);
        if (alive)
        {
            Machine.Running.Add(owner.Pid);
        }

        return owner;
    }

    /// <summary>
    /// A job that holds a running daemon, its disk mounted at its own root and the exposure, begun <paramref name="age"/>
    /// ago (a minute by default), in this boot. The fakes hold what the claim names.
    /// </summary>
    public JobClaim HeldJob(ClaimOwner? owner, TimeSpan? age = null, string? root = null)
    {
        var id = _faker.Random.AlphaNumeric(8);
        var jobDirectory = $"/tmp/blacksmith/job-{id}";
        root ??= $"/var/lib/blacksmith/roots/{id}";
        var daemon = new DaemonIdentity(_faker.Random.Int(1000, 60000), _faker.Random.Long(1, 1_000_000), $"unix://{jobDirectory}/buildkitd.sock", Root: root);
        var device = $"/dev/loop{_faker.Random.Int(0, 63)}";
        var exposeId = $"local-{_faker.Random.Hexadecimal(16, prefix: "")}";
        Daemons.Running.Add(daemon);
        Devices.Mounted.Add(root);
        Devices.Sources[root] = device;
        var holdings = new JobHoldings(root, daemon.Address, Store.Kind, _faker.Internet.DomainWord() + "/" + _faker.Lorem.Word())
        {
            Daemon = daemon,
            ExposeId = exposeId,
            Device = device,
            MountPoint = root,
        };
        var claim = new JobClaim(jobDirectory, owner, Machine.BootId, Time.GetUtcNow() - (age ?? TimeSpan.FromMinutes(1)), holdings);
        Claims.Write(claim);
        return claim;
    }

    public LeftoverSweep Sweep() => new(
        Claims,
        Machine,
        new ClaimCleanup(Daemons, Devices, new DiskUnmounter(Devices, Time, NullLogger<DiskUnmounter>.Instance), Store, Time, Options, secrets: Secrets),
        Recorder,
        Time,
        NullLogger<LeftoverSweep>.Instance,
        Options);

    /// <summary>Setup's sweep, its waits run on <see cref="Time"/> to their end.</summary>
    public Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken) =>
        Time.RunAsync(() => Sweep().SweepAsync(jobDirectory, cancellationToken));

    /// <summary>An administrator's clean-up of one job, its waits run on <see cref="Time"/> to their end.</summary>
    public Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken) =>
        Time.RunAsync(() => Sweep().CleanAsync(jobDirectory, why, cancellationToken));
}
