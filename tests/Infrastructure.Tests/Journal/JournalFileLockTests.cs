using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Tests.Journal;

public sealed class JournalFileLockTests : IDisposable
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(200);

    private readonly TempDirectory _temp = new();
    private readonly string _jobDir;

    public JournalFileLockTests()
    {
        _jobDir = _temp.Sub("job");
        Directory.CreateDirectory(_jobDir);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Append_gives_up_after_the_lock_timeout_naming_the_lock_file()
    {
        await new JournalFile(_jobDir).AppendAsync(0, _ => new JournalDrafts(1).Take(1), Ct);
        var holder = HoldLock(exclusive: true);

        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await new JournalFile(_jobDir, ShortTimeout, TimeProvider.System).AppendAsync(long.MaxValue, _ => new JournalDrafts(2).Take(1), Ct));
        holder.Dispose();

        Assert.Contains(Path.Combine(_jobDir, JournalFile.LockFileName), error.Message, StringComparison.Ordinal);
        Assert.Single((await new JournalFile(_jobDir).ReadAsync(0, Ct)).Records);
    }

    [Fact]
    public async Task Read_waits_for_an_append_in_progress()
    {
        await new JournalFile(_jobDir).AppendAsync(0, _ => new JournalDrafts(3).Take(1), Ct);
        using var holder = HoldLock(exclusive: true);

        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await new JournalFile(_jobDir, ShortTimeout, TimeProvider.System).ReadAsync(0, Ct));
    }

    [Fact]
    public async Task Readers_share_the_lock_but_keep_appends_out()
    {
        await new JournalFile(_jobDir).AppendAsync(0, _ => new JournalDrafts(4).Take(2), Ct);
        using var reader = HoldLock(exclusive: false);
        var journal = new JournalFile(_jobDir, ShortTimeout, TimeProvider.System);

        Assert.Equal(2, (await journal.ReadAsync(0, Ct)).Records.Count);
        await Assert.ThrowsAsync<TimeoutException>(async () => await journal.AppendAsync(long.MaxValue, _ => new JournalDrafts(5).Take(1), Ct));
    }

    [Fact]
    public async Task Waiting_for_the_lock_stops_when_cancelled()
    {
        using var holder = HoldLock(exclusive: true);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var journal = new JournalFile(_jobDir, TimeSpan.FromMinutes(5), TimeProvider.System);
        var append = journal.AppendAsync(0, _ => new JournalDrafts(6).Take(1), cancel.Token).AsTask();

        await cancel.CancelAsync();

        try
        {
            await append;
            Assert.Fail("the append finished although the lock was never free");
        }
        catch (OperationCanceledException)
        {
            // Expected: the wait honours the token.
        }

        holder.Dispose();
        Assert.Empty((await journal.ReadAsync(0, Ct)).Records);
    }

    [Fact]
    public async Task An_append_waiting_for_the_lock_goes_ahead_once_it_is_released()
    {
        var holder = HoldLock(exclusive: true);
        var append = new JournalFile(_jobDir).AppendAsync(0, _ => new JournalDrafts(7).Take(1), Ct).AsTask();

        Assert.False(append.IsCompleted, "an append cannot finish while another process holds the lock");
        holder.Dispose();

        Assert.Equal(1, Assert.Single((await append).Appended).Seq);
    }

    /// <summary>Takes the journal lock the way another process would: its own descriptor, plain flock.</summary>
    private Held HoldLock(bool exclusive)
    {
        var path = Path.Combine(_jobDir, JournalFile.LockFileName);
        var fd = Libc.Open(path, Libc.ReadWrite | Libc.Create | Libc.CloseOnExec, 0b110_000_000);
        Assert.True(fd >= 0, $"open {path}: {Marshal.GetLastPInvokeError()}");
        Assert.Equal(0, Libc.Flock(fd, exclusive ? Libc.LockExclusive : Libc.LockShared));
        return new Held(fd);
    }

    private sealed class Held(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                _ = Libc.Close(fd);
            }
        }
    }
}
