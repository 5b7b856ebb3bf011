using System.Globalization;
using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// When another job's claim may be acted on: only on positive evidence that the job is over. A job that might still be
/// running is never touched; concurrent jobs on one machine, with the same cache key or not, are normal for
/// self-hosted runners. A CI's API is never asked.
/// </summary>
internal static class JobEnd
{
    /// <summary>Judges <paramref name="claim"/> from what the machine says now.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="bootId">The kernel's boot id now.</param>
    /// <param name="ownerRunning">Whether the claim's owner still runs (ignored when it has none).</param>
    /// <param name="now">The time now.</param>
    /// <param name="maxJobDuration">How long a job may run (<see cref="LeftoverOptions.MaxJobDuration"/>).</param>
    public static JobEndVerdict Judge(JobClaim claim, string bootId, bool ownerRunning, DateTimeOffset now, TimeSpan maxJobDuration)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (!string.Equals(claim.BootId, bootId, StringComparison.Ordinal))
        {
            return new JobEndVerdict(true, "the machine has rebooted since it began");
        }

        if (claim.Owner is { Kind: ClaimOwnerKind.RunnerWorker } worker && !ownerRunning)
        {
            return new JobEndVerdict(true, $"its runner's {worker.Command ?? "Runner.Worker"} (pid {worker.Pid}) has ended");
        }

        var age = now - claim.CreatedAt;
        if (age > maxJobDuration)
        {
            return new JobEndVerdict(true, $"it began {Describe(age)} ago, longer than a job may run ({Describe(maxJobDuration)}, {LeftoverOptions.MaxJobDurationVariable})");
        }

        return claim.Owner switch
        {
            { Kind: ClaimOwnerKind.RunnerWorker } runner => new JobEndVerdict(false, $"its runner's {runner.Command ?? "Runner.Worker"} (pid {runner.Pid}) still runs"),
            _ => new JobEndVerdict(false, $"it began {Describe(age)} ago and nothing shows it has ended (no reboot since, younger than {Describe(maxJobDuration)})"),
        };
    }

    /// <summary>A duration the way a person says it: <c>45 s</c>, <c>12 min</c>, <c>6 h</c>, <c>2 h 30 min</c>.</summary>
    public static string Describe(TimeSpan span)
    {
        var inv = CultureInfo.InvariantCulture;
        if (span < TimeSpan.FromMinutes(1))
        {
            return string.Create(inv, $"{Math.Max(0, (int)span.TotalSeconds)} s");
        }

        if (span < TimeSpan.FromHours(1))
        {
            return string.Create(inv, $"{(int)span.TotalMinutes} min");
        }

        return span.Minutes == 0 ? string.Create(inv, $"{(int)span.TotalHours} h") : string.Create(inv, $"{(int)span.TotalHours} h {span.Minutes} min");
    }
}
