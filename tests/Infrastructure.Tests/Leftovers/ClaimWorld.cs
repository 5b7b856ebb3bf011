using System.Diagnostics;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>One test's machine: a private claims directory, fakes for the mount and the store, and varied jobs.</summary>
public sealed class ClaimWorld : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Faker _faker = new();

    public ClaimWorld()
    {
        Claims = new JobClaims(_temp.Sub("claims"));
    }

    public JobClaims Claims { get; }

    public FakeBlockDevice Devices { get; } = new();

    public FakeBuildkitDaemon Daemons { get; } = new();

    public FakeStickyDiskStore Store { get; } = new();

    public ListEffectRecorder Recorder { get; } = new();

    public string TempPath => _temp.Path;

    /// <summary>This process: an owner that is certainly alive.</summary>
    public static ClaimedProcess Alive
    {
        get
        {
            var stat = ProcStat.TryRead(Environment.ProcessId)!.Value;
            return new ClaimedProcess(stat.Pid, stat.StartTimeTicks, stat.Command);
        }
    }

    /// <summary>A process that ran and exited (and was reaped): an owner that is gone.</summary>
    public static ClaimedProcess Dead()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return new ClaimedProcess(process.Id, 1, "true");
    }

    /// <summary>A claim of a job of its own (directory, root, address) with <paramref name="owner"/>.</summary>
    public JobClaim Job(ClaimedProcess owner, string? root = null) => new(
        _temp.Sub($"job-{_faker.Random.AlphaNumeric(8)}"),
        root ?? _temp.Sub($"root-{_faker.Random.AlphaNumeric(8)}"),
        $"tcp://127.0.0.1:{_faker.Random.Int(20000, 60000)}",
        owner,
        JobClaims.CurrentBootId(),
        _faker.Date.RecentOffset())
    {
        CacheKey = _faker.Lorem.Slug(),
    };

    public LeftoverSweeper Sweeper(IBuildkitDaemon? daemons = null, IBlockDevice? devices = null, LeftoverSweepOptions? options = null) =>
        new(Claims, daemons ?? Daemons, devices ?? Devices, Store, Recorder, NullLogger<LeftoverSweeper>.Instance, TimeProvider.System, options);

    public void Dispose() => _temp.Dispose();
}
