using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>
/// Appenders take the journal's lock first come, first served, and neither a holder nor a waiter killed with SIGKILL
/// stops the others. Each test orders its appenders by waiting until each has taken its ticket, never by sleeping.
/// </summary>
public sealed class JournalFileQueueTests : IDisposable
{
    // Only a guard against a hang: each wait ends as soon as what it waits for is there.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly string _jobDir;

    public JournalFileQueueTests()
    {
        _jobDir = _temp.Sub("job");
        Directory.CreateDirectory(_jobDir);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string QueuePath => Path.Combine(_jobDir, JournalFile.QueueFileName);

    private string LockPath => Path.Combine(_jobDir, JournalFile.LockFileName);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Appends_that_wait_for_the_lock_get_it_in_the_order_they_asked()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the queue is built from Linux's open file description locks");
        const int waiters = 8;
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => [Draft("first")], Ct);
        var appends = new List<Task<JournalAppendResult>>();
        using (HoldLock())
        {
            for (var i = 0; i < waiters; i++)
            {
                var session = $"waiter-{i}";
                // Each waiter has its own instance, so its own descriptors, as a separate process would.
                appends.Add(Task.Run(async () => await new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => [Draft(session)], Ct), Ct));
                // Asked means blocked in the kernel, on whichever lock of the job directory the append waits for.
                var asked = i + 1;
                await UntilAsync(() => BlockedLockRequests() == asked, $"waiter {i} never blocked on a lock of {_jobDir}");
            }

            Assert.All(appends, a => Assert.False(a.IsCompleted, "an append finished while another process held the lock"));
        }

        await Task.WhenAll(appends);
        var read = await journal.ReadAsync(0, Ct);
        // Nobody was overtaken: the records are in the order the appends asked for the lock.
        Assert.Equal(["first", .. Enumerable.Range(0, waiters).Select(i => $"waiter-{i}")], read.Records.Select(r => r.Session));
        Assert.Equal(Enumerable.Range(1, waiters + 1).Select(i => (long)i), read.Records.Select(r => r.Seq));
    }

    [Fact]
    public async Task A_waiting_append_goes_next_however_quickly_the_writer_before_it_appends_again()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the queue is built from Linux's open file description locks");
        const int busy = 40;
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => [Draft("first")], Ct);
        Task busyWriter;
        Task<JournalAppendResult> waiter;
        using (HoldLock())
        {
            // One writer appends back to back, as several builds' effects do; it asked first, so it goes first.
            var writer = new JournalFile(_jobDir);
            busyWriter = Task.Run(
                async () =>
                {
                    for (var i = 0; i < busy; i++)
                    {
                        await writer.AppendAsync(long.MaxValue, _ => [Draft("busy")], Ct);
                    }
                },
                Ct);
            await UntilAsync(() => BlockedLockRequests() == 1, "the busy writer never blocked on the lock");
            waiter = Task.Run(async () => await new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => [Draft("waiter")], Ct), Ct);
            await UntilAsync(() => BlockedLockRequests() == 2, "the waiter never blocked on the lock");
        }

        await Task.WhenAll(busyWriter, waiter);
        var sessions = (await journal.ReadAsync(0, Ct)).Records.Select(r => r.Session).ToList();
        // The busy writer's first append was under way when the waiter asked; its next one asks after the waiter.
        Assert.Equal(["first", "busy", "waiter"], sessions.Take(3));
        Assert.Equal(busy + 2, sessions.Count);
    }

    [Fact]
    public async Task A_writer_killed_inside_its_append_blocks_no_one_and_leaves_a_readable_journal()
    {
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => [Draft("first")], Ct);
        using var holder = JournalWriterProcesses.Start(_jobDir, writer: 1, count: 1, "--hold");
        try
        {
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            guard.CancelAfter(Guard);
            Assert.Equal("holding", await holder.StandardOutput.ReadLineAsync(guard.Token));
            var taken = TicketQueue.TicketsTaken(QueuePath);
            var waiting = new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => [Draft("after")], Ct).AsTask();
            if (OperatingSystem.IsLinux())
            {
                await UntilAsync(() => TicketQueue.TicketsTaken(QueuePath) > taken, "the second append never took a ticket");
            }

            Assert.False(waiting.IsCompleted, "an append finished while the killed writer still held the lock");

            holder.Kill();
            await holder.WaitForExitAsync(guard.Token);
            var appended = await waiting.WaitAsync(Guard, Ct);

            Assert.Equal(2, Assert.Single(appended.Appended).Seq);
            var read = await journal.ReadAsync(0, Ct);
            Assert.Empty(read.Warnings);
            Assert.Equal(["first", "after"], read.Records.Select(r => r.Session));
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill();
            }
        }
    }

    [Fact]
    public async Task A_writer_killed_while_it_waits_its_turn_does_not_hold_up_the_ones_behind_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the queue is built from Linux's open file description locks");
        var journal = new JournalFile(_jobDir);
        await journal.AppendAsync(0, _ => [Draft("first")], Ct);
        Process? queued = null;
        try
        {
            Task<JournalAppendResult> behind;
            using (HoldLock())
            {
                // Ticket n waits for the holder of the lock; the killed writer takes n + 1; the last append n + 2.
                var ahead = new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => [Draft("ahead")], Ct).AsTask();
                await UntilAsync(() => TicketQueue.TicketsTaken(QueuePath) == 2, "the first waiter never took a ticket");
                queued = JournalWriterProcesses.Start(_jobDir, writer: 2, count: 1);
                await UntilAsync(() => TicketQueue.TicketsTaken(QueuePath) == 3, "the writer process never took a ticket");
                behind = new JournalFile(_jobDir).AppendAsync(long.MaxValue, _ => [Draft("behind")], Ct).AsTask();
                await UntilAsync(() => TicketQueue.TicketsTaken(QueuePath) == 4, "the last waiter never took a ticket");

                queued.Kill();
                await queued.WaitForExitAsync(Ct);
                Assert.False(ahead.IsCompleted || behind.IsCompleted, "an append finished while another process held the lock");
            }

            await behind.WaitAsync(Guard, Ct);
            var read = await journal.ReadAsync(0, Ct);
            Assert.Empty(read.Warnings);
            Assert.Equal(["first", "ahead", "behind"], read.Records.Select(r => r.Session));
        }
        finally
        {
            if (queued is { HasExited: false })
            {
                queued.Kill();
            }

            queued?.Dispose();
        }
    }

    private static JournalDraft Draft(string session) =>
        new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), session, JournalRecordKind.Effect, "test.append",
            JsonSerializer.SerializeToElement(new EffectRecord("test", "append", new Dictionary<string, string>(), EffectOutcome.Succeeded, 0), JournalJsonContext.Default.EffectRecord));

    /// <summary>The lock requests the kernel has blocked on the journal's lock and queue files (<c>/proc/locks</c>).</summary>
    private int BlockedLockRequests()
    {
        var files = new[] { LockPath, QueuePath }.Where(File.Exists).Select(FileId).ToHashSet(StringComparer.Ordinal);
        // A blocked request is listed as "N: -> TYPE ADVISORY WRITE PID MAJ:MIN:INODE START END" under the lock it waits for.
        return File.ReadLines("/proc/locks")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 6 && fields[1] == "->" && files.Contains(fields[6]));
    }

    private static string FileId(string path)
    {
        Assert.Equal(0, Libc.Statx(Libc.AtCurrentDirectory, path, 0, Libc.StatxInode, out var stat));
        return FormattableString.Invariant($"{stat.FilesystemMajor:x2}:{stat.FilesystemMinor:x2}:{stat.Inode}");
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < Guard, failure);
            await Task.Delay(1, Ct);
        }
    }

    /// <summary>Takes the journal lock the way another process would: its own descriptor, plain flock.</summary>
    private LockHolder HoldLock()
    {
        var path = Path.Combine(_jobDir, JournalFile.LockFileName);
        var fd = Libc.Open(path, Libc.ReadWrite | Libc.Create | Libc.CloseOnExec, 0b110_000_000);
        Assert.True(fd >= 0, $"open {path}: {Marshal.GetLastPInvokeError()}");
        Assert.Equal(0, Libc.Flock(fd, Libc.LockExclusive));
        return new LockHolder(fd);
    }

    private sealed class LockHolder(int fd) : IDisposable
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
