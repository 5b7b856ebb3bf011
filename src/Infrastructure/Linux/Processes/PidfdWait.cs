using System.ComponentModel;
using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Waits for a pidfd to become readable (the process exited) on a dedicated thread blocked in poll(2), woken early
/// through an eventfd when the timeout passes or the caller cancels. No interval: the exit is seen when it happens.
/// </summary>
internal static class PidfdWait
{
    public static async Task<bool> WaitAsync(int pidfd, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var wake = Libc.EventFd(0, Libc.EventCloseOnExec);
        if (wake < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"eventfd failed: {Libc.Describe(errno)}.");
        }

        try
        {
            using var timer = new CancellationTokenSource(timeout, time);
            var poll = Task.Factory.StartNew(
                () => BlockUntilReadable(pidfd, wake),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            bool exited;
            using (timer.Token.Register(() => Wake(wake)))
            using (cancellationToken.Register(() => Wake(wake)))
            {
                exited = await poll;
            }

            if (!exited)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return exited;
        }
        finally
        {
            // Only after the polling thread has returned: it must never poll a closed (or reused) descriptor.
            _ = Libc.Close(wake);
        }
    }

    private static unsafe bool BlockUntilReadable(int pidfd, int wake)
    {
        var descriptors = stackalloc Libc.PollDescriptor[2];
        descriptors[0] = new Libc.PollDescriptor { Fd = pidfd, Events = Libc.PollIn };
        descriptors[1] = new Libc.PollDescriptor { Fd = wake, Events = Libc.PollIn };
        while (true)
        {
            var ready = Libc.Poll(descriptors, 2, -1);
            if (ready < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.Interrupted)
                {
                    continue;
                }

                throw new Win32Exception(errno, $"poll on a pidfd failed: {Libc.Describe(errno)}.");
            }

            if (descriptors[0].ReturnedEvents != 0)
            {
                return true;
            }

            if (descriptors[1].ReturnedEvents != 0)
            {
                return false;
            }
        }
    }

    private static unsafe void Wake(int wake)
    {
        ulong one = 1;
        _ = Libc.Write(wake, &one, sizeof(ulong));
    }
}
