using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Tests.Processes;

/// <summary>Waiting on real processes in tests: bounded polls of /proc, never a fixed sleep.</summary>
public static class OsProcesses
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Whether <paramref name="pid"/> is gone or has exited (a zombie nobody has reaped yet counts as dead).</summary>
    public static bool IsDead(int pid) => ProcStat.TryRead(pid) is not { } stat || stat.HasExited;

    /// <summary>Waits until <paramref name="pid"/> is dead; fails the test after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilDeadAsync(int pid, CancellationToken cancellationToken)
    {
        await WaitUntilAsync(() => IsDead(pid), $"pid {pid} to die", cancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling with a short backoff; fails after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(2);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up after {Patience.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>Kills <paramref name="process"/> if it is still the process we started, and waits for it to go.</summary>
    public static async Task KillAsync(SpawnedProcess process)
    {
        _ = ProcessLifetime.Signal(process, 9);
        _ = await ProcessLifetime.WaitForExitAsync(process, Patience, TimeProvider.System, CancellationToken.None);
    }
}
