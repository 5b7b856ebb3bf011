namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// A blocking lock call on its own thread, which either hands its result (0 or an errno) to the waiter or, abandoned,
/// cleans up: the kernel hands a lock over the moment it is free, where polling let a releasing holder win again and
/// again. Abandoning closes the descriptor, which releases whatever it holds.
/// </summary>
internal sealed class BlockingLockWait
{
    private const int Waiting = 0;
    private const int Finished = 1;
    private const int Abandoned = 2;

    private readonly int _fd;
    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state = Waiting;

    /// <param name="fd">The descriptor the lock is taken on; closed if the wait is abandoned.</param>
    /// <param name="blockingLock">Blocks until the lock is taken; returns 0, or the errno of the failure.</param>
    public BlockingLockWait(int fd, Func<int> blockingLock)
    {
        ArgumentNullException.ThrowIfNull(blockingLock);
        _fd = fd;
        var thread = new Thread(() =>
        {
            var errno = blockingLock();
            if (Interlocked.CompareExchange(ref _state, Finished, Waiting) == Abandoned)
            {
                // Nobody waits any more: closing the descriptor releases the lock if we got it.
                _ = Libc.Close(fd);
                return;
            }

            _completion.SetResult(errno);
        })
        {
            IsBackground = true,
            Name = "blacksmith lock wait",
        };
        thread.Start();
    }

    // The task completes from the dedicated thread, which has no synchronization context to deadlock on.
#pragma warning disable VSTHRD003
    public Task<int> Completion => _completion.Task;
#pragma warning restore VSTHRD003

    public void Abandon()
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Finished)
        {
            // The thread finished as we gave up: the descriptor is ours to close (releasing the lock if taken).
            _ = Libc.Close(_fd);
        }
    }
}
