using System.Diagnostics;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Release;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>One test's machine: a private claims directory, and varied jobs to claim it.</summary>
internal sealed class ClaimWorld : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Faker _faker = new() { Random = new Randomizer(2027) };

    public ClaimWorld()
    {
        Claims = new JobClaims(_temp.Sub("claims"));
    }

    public JobClaims Claims { get; }

    public string TempPath => _temp.Path;

    /// <summary>This process: an owner that is certainly alive.</summary>
    public static ClaimOwner Alive
    {
        get
        {
            var stat = ProcStat.TryRead(Environment.ProcessId)!.Value;
            return new ClaimOwner(stat.Pid, stat.StartTimeTicks, stat.Command, ClaimOwnerKind.RunnerWorker);
        }
    }

    /// <summary>A process that ran and exited (and was reaped): an owner that is gone.</summary>
    public static ClaimOwner Dead()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        BoundedWait.ForExit(process, "true to exit");
        return new ClaimOwner(process.Id, 1, "true", ClaimOwnerKind.RunnerWorker);
    }

    /// <summary>A claim of a job of its own (directory, root, address) with <paramref name="owner"/>, holding nothing yet.</summary>
    public JobClaim Job(ClaimOwner owner, string? root = null) => new(
        _temp.Sub($"job-{_faker.Random.AlphaNumeric(8)}"),
        owner,
        ProcMachineFacts.ReadBootId(),
        _faker.Date.RecentOffset(),
        new JobHoldings(root ?? _temp.Sub($"root-{_faker.Random.AlphaNumeric(8)}"), $"tcp://127.0.0.1:{_faker.Random.Int(20000, 60000)}", "local", _faker.Lorem.Slug()));

    /// <summary>The cleanup over real daemons and block devices (a fake store).</summary>
    public static ClaimCleanup Cleanup(IBuildkitDaemon daemons, IBlockDevice devices, IStickyDiskStore? store = null, TimeSpan? stopGrace = null) =>
        new(daemons, devices, new DiskUnmounter(devices, TimeProvider.System, NullLogger<DiskUnmounter>.Instance), store ?? new FakeStickyDiskStore(), TimeProvider.System,
            new LeftoverOptions { StopGrace = stopGrace ?? TimeSpan.FromSeconds(10) });

    public void Dispose() => _temp.Dispose();
}
