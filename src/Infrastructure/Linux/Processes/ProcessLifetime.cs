using System.ComponentModel;
using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Watching and signalling a process we started but do not hold a <see cref="System.Diagnostics.Process"/> for (the
/// detached daemon, possibly started by an earlier step). A process is named by its pid and its start time, so a pid the
/// kernel has given to another process is never mistaken for ours.
/// </summary>
public static class ProcessLifetime
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReapRound = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether <paramref name="process"/> is still running: its pid exists, started when ours did, and it has not
    /// finished exiting. An exited child of this very process is reaped on the way, so it does not linger as a zombie.
    /// </summary>
    /// <remarks>
    /// /proc shows the main thread as a zombie as soon as it exits, while the process's other threads may still be
    /// running, holding its descriptors (and so its locks and ports). Only when the last thread is gone has the
    /// process exited: then our own child can be reaped, and another's has a single task left.
    /// </remarks>
    public static bool IsRunning(SpawnedProcess process)
    {
        var stat = ProcStat.TryRead(process.Pid);
        if (stat is not { } current || current.StartTimeTicks != process.StartTimeTicks)
        {
            return false;
        }

        if (!current.HasExited)
        {
            return true;
        }

        if (current.ParentPid == Environment.ProcessId)
        {
            // 0: not reapable yet, threads are still exiting. Our pid (reaped) or an error (reaped elsewhere): gone.
            return Libc.WaitPid(process.Pid, out _, Libc.WaitNoHang) == 0;
        }

        return TaskCount(process.Pid) > 1;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="process"/> if it is still running. With a pidfd (Linux 5.3+)
    /// there is no window between the check and the signal in which the pid could be reused.
    /// </summary>
    /// <exception cref="Win32Exception">The kernel refused the signal (EPERM: the process belongs to another user).</exception>
    public static SignalResult Signal(SpawnedProcess process, int signal)
    {
        if (!IsRunning(process))
        {
            return SignalResult.Gone;
        }

        var pidfd = Libc.PidfdOpen(process.Pid);
        if (pidfd < 0)
        {
            var openError = Marshal.GetLastPInvokeError();
            if (openError == Libc.NoSuchProcess)
            {
                return SignalResult.Gone;
            }

            // No pidfd here (old kernel, or a seccomp filter that refuses it): the check above and kill(2) it is.
            return Libc.Kill(process.Pid, signal) == 0 ? SignalResult.Delivered : KillFailed(process.Pid, Marshal.GetLastPInvokeError());
        }

        try
        {
            // The descriptor pins whichever process has the pid now; if that is still ours, the signal can reach no other.
            if (!IsRunning(process))
            {
                return SignalResult.Gone;
            }

            return Libc.PidfdSendSignal(pidfd, signal) == 0 ? SignalResult.Delivered : KillFailed(process.Pid, Marshal.GetLastPInvokeError());
        }
        finally
        {
            _ = Libc.Close(pidfd);
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <paramref name="process"/> to exit; true when it has (or was gone
    /// already). Blocks in poll(2) on a pidfd, so the exit is seen the moment it happens; where pidfds are unavailable
    /// it checks /proc with a short backoff.
    /// </summary>
    public static Task<bool> WaitForExitAsync(
        SpawnedProcess process,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        WaitForExitAsync(process, timeout, time, usePidfd: true, cancellationToken);

    internal static async Task<bool> WaitForExitAsync(
        SpawnedProcess process,
        TimeSpan timeout,
        TimeProvider time,
        bool usePidfd,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        cancellationToken.ThrowIfCancellationRequested();
        if (!IsRunning(process))
        {
            return true;
        }

        if (usePidfd)
        {
            var pidfd = Libc.PidfdOpen(process.Pid);
            if (pidfd < 0 && Marshal.GetLastPInvokeError() == Libc.NoSuchProcess)
            {
                return true;
            }

            if (pidfd >= 0)
            {
                try
                {
                    if (!IsRunning(process))
                    {
                        return true;
                    }

                    var exited = await PidfdWait.WaitAsync(pidfd, timeout, time, cancellationToken);
                    // Reaps it when it is our own child.
                    return exited && !IsRunning(process);
                }
                finally
                {
                    _ = Libc.Close(pidfd);
                }
            }
        }

        return await PollAsync(process, timeout, time, cancellationToken);
    }

    /// <summary>
    /// Reaps <paramref name="child"/>, a child of this process, whenever it exits, however long that takes, and completes
    /// then. For a child whose exit nobody else is bound to wait for, such as the sudo a daemon runs under: whoever ends
    /// the daemon, and however late sudo follows it out, a long-lived process (blacksmith run, a test host) is told and
    /// keeps no zombie. Holds a thread blocked in poll(2) on the child's pidfd meanwhile; never throws.
    /// </summary>
    public static async Task ReapWhenExitedAsync(SpawnedProcess child)
    {
        try
        {
            // In rounds, because the /proc fallback needs a finite wait; with a pidfd one round lasts the child's life.
            while (!await WaitForExitAsync(child, ReapRound, TimeProvider.System, CancellationToken.None))
            {
            }
        }
        catch (Win32Exception)
        {
            // No eventfd or poll here: the child is reaped by the next IsRunning that looks at it, as before.
        }
    }

    private static async Task<bool> PollAsync(SpawnedProcess process, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = FirstPollDelay;
        while (IsRunning(process))
        {
            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(delay < left ? delay : left, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }

        return true;
    }

    private static int TaskCount(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/task").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static SignalResult KillFailed(int pid, int errno) =>
        errno == Libc.NoSuchProcess
            ? SignalResult.Gone
            : throw new Win32Exception(errno, $"Could not signal pid {pid}: {Libc.Describe(errno)}.");
}
