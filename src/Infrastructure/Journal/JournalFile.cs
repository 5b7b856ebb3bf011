using System.Buffers;
using System.Text;
using System.Text.Json;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Microsoft.Win32.SafeHandles;

namespace Blacksmith.Infrastructure.Journal;

/// <summary>
/// The job's journal as <c>journal.jsonl</c> in the job directory: one <see cref="JournalRecord"/> per line.
/// Every call takes <c>flock(2)</c> on <c>journal.lock</c> (shared to read, exclusive to append, appenders first come,
/// first served through <c>journal.queue</c>), so appends from the job's processes never interleave. An append is
/// written as one write under the lock and fsynced, after the lock is let go, before it returns. A line cut short by a killed writer is ignored by readers and moved to <c>journal.torn</c> by
/// the next append; any other bad line is a <see cref="JournalFormatException"/>.
/// </summary>
public sealed class JournalFile : IJournalStore
{
    public const string JournalFileName = "journal.jsonl";
    public const string LockFileName = "journal.lock";
    public const string TornFileName = "journal.torn";
    public const string QueueFileName = "journal.queue";

    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    // A CI job writes hundreds of records, not gigabytes; the cap keeps one read in one buffer.
    private const long MaxReadBytes = 1L << 30;

    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _time;
    private readonly Lock _cacheGate = new();

    // The prefix of the file this instance has already validated: where each record's line starts (record n at
    // index n - 1) and where the last complete line ends. Calls parse only the lines they return or have not seen.
    private readonly List<long> _lineStarts = [];
    private long _validEnd;

    public JournalFile(string jobDirectory)
        : this(jobDirectory, DefaultLockTimeout, TimeProvider.System)
    {
    }

    /// <param name="jobDirectory">The job directory (see <see cref="JobDirectory"/>); created on the first append.</param>
    /// <param name="lockTimeout">How long one call waits for the lock before it gives up with a <see cref="TimeoutException"/>.</param>
    /// <param name="time">
    /// The clock for the lock timeout, the waits between lock attempts and the notes in <c>journal.torn</c>; with a
    /// fake clock, a call that has to wait for the lock waits until the clock is advanced.
    /// </param>
    public JournalFile(string jobDirectory, TimeSpan lockTimeout, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lockTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The journal file relies on flock(2); it runs on Linux and macOS.");
        }

        _lockTimeout = lockTimeout;
        _time = time;
        DirectoryPath = Path.GetFullPath(jobDirectory);
        Location = Path.Combine(DirectoryPath, JournalFileName);
        LockPath = Path.Combine(DirectoryPath, LockFileName);
        TornPath = Path.Combine(DirectoryPath, TornFileName);
        QueuePath = Path.Combine(DirectoryPath, QueueFileName);
    }

    public string DirectoryPath { get; }

    public string Location { get; }

    public string LockPath { get; }

    public string TornPath { get; }

    /// <summary>The first-come, first-served order appenders take the exclusive lock in (Linux; see <see cref="TicketQueue"/>).</summary>
    public string QueuePath { get; }

    public async ValueTask<JournalReadResult> ReadAsync(long afterSequence, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Reading creates nothing: a job that has not appended yet has no journal, and that reads as empty.
        if (!File.Exists(Location))
        {
            ForgetCache();
            return JournalReadResult.Empty;
        }

        using var held = await FileLock.AcquireAsync(LockPath, exclusive: false, _lockTimeout, _time, cancellationToken);
        var warnings = new List<string>();
        if (held.Created)
        {
            AddWarning(warnings, UnixFiles.HandOver(LockPath, DirectoryPath));
        }

        FileStream stream;
        try
        {
            stream = UnixFiles.OpenPrivateFile(Location, FileMode.Open, FileAccess.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            ForgetCache();
            return new JournalReadResult([], warnings);
        }

        using (stream)
        {
            var scan = Scan(stream.SafeFileHandle, afterSequence, warnings);
            if (scan.Torn.Length > 0)
            {
                warnings.Add(
                    $"{Location} ends in an unterminated line of {scan.Torn.Length} bytes after record {scan.LastSequence} "
                    + $"(a writer was killed mid-write); it is ignored, and the next append moves it to {TornPath}");
            }

            return new JournalReadResult(scan.Records, warnings);
        }
    }

    public async ValueTask<JournalAppendResult> AppendAsync(
        long afterSequence,
        Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        cancellationToken.ThrowIfCancellationRequested();
        var (stream, result) = await AppendUnderLockAsync(afterSequence, decide, cancellationToken);
        if (stream is null)
        {
            return result;
        }

        // The fsync comes after the lock is let go, so the next writer reads, decides and writes while this one waits
        // for the disk, and concurrent fsyncs of the file share the filesystem's commits. It makes durable everything
        // written to the file so far, so a record is never durable without the ones before it; and this append still
        // returns only once its own records are.
        using (stream)
        {
            try
            {
                RandomAccess.FlushToDisk(stream.SafeFileHandle);
            }
            catch (IOException ex)
            {
                throw new IOException(
                    $"Wrote {result.Appended.Count} record(s) to {Location} but could not flush them to disk: {ex.Message}; "
                    + "they stay in the journal, where other steps may already have read them", ex);
            }
        }

        return result;
    }

    /// <summary>
    /// Reads, decides and writes under the job's turn and the exclusive lock. Returns the journal still open when
    /// records were written and remain to be flushed (not when it wrote nothing, nor when it created the journal and
    /// flushed it already), with the result the append returns.
    /// </summary>
    private async ValueTask<(FileStream? Unflushed, JournalAppendResult Result)> AppendUnderLockAsync(
        long afterSequence,
        Func<JournalReadResult, IReadOnlyList<JournalDraft>> decide,
        CancellationToken cancellationToken)
    {
        // The journal's own flushes do not cover the entry that names the job directory, and a power loss could take the
        // directory away: the append that creates the journal flushes that entry too, after the journal (one disk commit
        // for both), whoever made the directory (JobDirectory.Prepare leaves it to this append as well).
        var warnings = new List<string>(UnixFiles.CreateLeavingOwnEntry(DirectoryPath, handOver: true));
        var started = _time.GetTimestamp();
        // Appenders queue first come, first served, and only the head of the queue asks for the lock: flock alone let
        // a writer that had just appended take the lock again before the waiters it woke, over and over.
        using var turn = OperatingSystem.IsLinux() ? await TicketQueue.EnterAsync(QueuePath, _lockTimeout, _time, cancellationToken) : null;
        if (turn is { Created: true })
        {
            AddWarning(warnings, UnixFiles.HandOver(QueuePath, DirectoryPath));
        }

        var left = _lockTimeout - _time.GetElapsedTime(started);
        using var held = await FileLock.AcquireAsync(LockPath, exclusive: true, left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1), _time, cancellationToken);
        if (held.Created)
        {
            AddWarning(warnings, UnixFiles.HandOver(LockPath, DirectoryPath));
        }

        var created = !File.Exists(Location);
        var stream = UnixFiles.OpenPrivateFile(Location, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        try
        {
            if (created)
            {
                AddWarning(warnings, UnixFiles.HandOver(Location, DirectoryPath));
            }

            var handle = stream.SafeFileHandle;
            var scan = Scan(handle, afterSequence, warnings);
            if (scan.Torn.Length > 0)
            {
                // We hold the exclusive lock, so the writer of the torn line is dead; cut it off before appending, or
                // the next record would be glued onto it.
                MoveTornTail(handle, scan, warnings);
            }

            var seen = new JournalReadResult(scan.Records, warnings);
            var drafts = decide(seen) ?? throw new InvalidOperationException("The append's decide function returned null instead of a list of drafts.");
            if (drafts.Count == 0)
            {
                if (created)
                {
                    UnixFiles.SyncDirectory(DirectoryPath);
                    UnixFiles.SyncParent(DirectoryPath);
                }

                stream.Dispose();
                return (null, new JournalAppendResult(seen, []));
            }

            var (records, lines, lineStarts) = Serialize(drafts, scan.LastSequence + 1, scan.ValidEnd);
            Write(handle, lines.WrittenSpan, scan.ValidEnd, drafts.Count);
            Remember(scan.ValidEnd, lineStarts, scan.ValidEnd + lines.WrittenCount);
            if (created)
            {
                // A new journal's name must be durable before anyone appends to it, or a crash could lose the file
                // with records another step was told are on disk: the first append flushes it all under the lock, and
                // so has nothing left to flush after it (a second fsync of the same records cost a disk flush).
                RandomAccess.FlushToDisk(handle);
                UnixFiles.SyncDirectory(DirectoryPath);
                UnixFiles.SyncParent(DirectoryPath);
                stream.Dispose();
                return (null, new JournalAppendResult(seen, records));
            }

            return (stream, new JournalAppendResult(seen, records));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void AddWarning(List<string> warnings, string? warning)
    {
        if (warning is not null)
        {
            warnings.Add(warning);
        }
    }

    private static (JournalRecord[] Records, ArrayBufferWriter<byte> Lines, long[] LineStarts) Serialize(
        IReadOnlyList<JournalDraft> drafts,
        long firstSequence,
        long offset)
    {
        var records = new JournalRecord[drafts.Count];
        var lineStarts = new long[drafts.Count];
        var lines = new ArrayBufferWriter<byte>(drafts.Count * 512);
        using var writer = new Utf8JsonWriter(lines, JournalJsonEncoder.WriterOptions);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i] ?? throw new InvalidOperationException($"The append's draft {i} is null.");
            records[i] = draft.WithSequence(firstSequence + i);
            // Writing a record that reading rejects would make the whole journal unreadable from then on.
            if (ShapeProblem(records[i]) is { } problem)
            {
                throw new ArgumentException($"The append's draft {i} ({draft.Type}) cannot be journaled: it {problem}.", nameof(drafts));
            }

            var start = lines.WrittenCount;
            lineStarts[i] = offset + start;
            writer.Reset();
            JournalLine.Write(writer, records[i]);
            writer.Flush();
            // Unindented JSON escapes every newline; a raw one would split the record into two broken lines.
            if (lines.WrittenSpan[start..].Contains((byte)'\n'))
            {
                throw new InvalidOperationException($"Journal record {records[i].Seq} ({records[i].Type}) serialized to more than one line.");
            }

            lines.Write("\n"u8);
        }

        return (records, lines, lineStarts);
    }

    private void Write(SafeFileHandle handle, ReadOnlySpan<byte> lines, long offset, int count)
    {
        try
        {
            RandomAccess.Write(handle, lines, offset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The caller is told the append failed, so no part of it may stay behind as records.
            try
            {
                RandomAccess.SetLength(handle, offset);
                RandomAccess.FlushToDisk(handle);
            }
            catch (IOException)
            {
                // The original failure is the one to report; a later append cuts off a torn remainder anyway.
            }

            throw new IOException($"Could not append {count} record(s) to {Location}: {ex.Message}", ex);
        }
    }

    private void MoveTornTail(SafeFileHandle handle, ScanResult scan, List<string> warnings)
    {
        var tornExisted = File.Exists(TornPath);
        using (var torn = UnixFiles.OpenPrivateFile(TornPath, FileMode.Append, FileAccess.Write))
        {
            var note = $"# {_time.GetUtcNow():O}: {scan.Torn.Length} bytes cut from the end of {Location} after record {scan.LastSequence}\n";
            torn.Write(Encoding.UTF8.GetBytes(note));
            torn.Write(scan.Torn);
            torn.Write("\n"u8);
            torn.Flush(flushToDisk: true);
        }

        if (!tornExisted)
        {
            AddWarning(warnings, UnixFiles.HandOver(TornPath, DirectoryPath));
        }

        RandomAccess.SetLength(handle, scan.ValidEnd);
        RandomAccess.FlushToDisk(handle);
        warnings.Add(
            $"{Location} ended in an unterminated line of {scan.Torn.Length} bytes after record {scan.LastSequence} "
            + $"(a writer was killed mid-write); moved it to {TornPath} and cut the journal back to record {scan.LastSequence}");
    }

    /// <summary>
    /// Reads and validates the lines from the first one after <paramref name="afterSequence"/> (or from the end of
    /// the validated prefix, if that is further) to the end of the file. The caller holds the lock.
    /// </summary>
    private ScanResult Scan(SafeFileHandle handle, long afterSequence, List<string> warnings)
    {
        var after = Math.Max(afterSequence, 0);
        var length = RandomAccess.GetLength(handle);
        long start, cachedEnd, expected;
        lock (_cacheGate)
        {
            if (!CacheMatches(handle, length))
            {
                warnings.Add($"{Location} is shorter than this process last saw it, or was replaced; reading it again from the start");
                _lineStarts.Clear();
                _validEnd = 0;
            }

            cachedEnd = _validEnd;
            if (after < _lineStarts.Count)
            {
                start = _lineStarts[(int)after];
                expected = after + 1;
            }
            else
            {
                start = _validEnd;
                expected = _lineStarts.Count + 1;
            }
        }

        var size = length - start;
        if (size > MaxReadBytes)
        {
            throw new IOException($"{Location} has {size} bytes to read, more than the {MaxReadBytes} a journal may hold; it is not a journal this engine wrote.");
        }

        var records = new List<JournalRecord>();
        var newLineStarts = new List<long>();
        // A plain array, not the shared pool: a process reads its journal a few times, and the pool's first use in a
        // process times how fast the processor's number can be read (ProcessorIdCache), about 1.5 % of a post with
        // nothing to clean up.
        var buffer = new byte[size];
        var bytes = buffer.AsSpan(0, ReadFully(handle, buffer, start));
        var position = 0;
        while (position < bytes.Length)
        {
            var newline = bytes[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var lineOffset = start + position;
            var record = ParseLine(bytes.Slice(position, newline), expected, Location);
            if (lineOffset >= cachedEnd)
            {
                newLineStarts.Add(lineOffset);
            }

            if (record.Seq > after)
            {
                records.Add(record);
            }

            expected++;
            position += newline + 1;
        }

        var validEnd = start + position;
        Remember(cachedEnd, newLineStarts, validEnd);
        return new ScanResult(records, expected - 1, validEnd, bytes[position..].ToArray());
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>
    /// Line <paramref name="lineNumber"/> (1-based, without its newline) of the journal at <paramref name="location"/>,
    /// checked as every reader of a journal checks it: a record of the right shape whose sequence is its line number.
    /// The one line parser: replay reads a recorded journal through it too, so both report a bad line alike.
    /// </summary>
    /// <exception cref="JournalFormatException">The line is not that record; the message names the line and the file.</exception>
    public static JournalRecord ParseLine(ReadOnlySpan<byte> line, long lineNumber, string location)
    {
        JournalRecord? record;
        try
        {
            record = JournalLine.Read(line);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Malformed(location, lineNumber, $"is not a valid journal record: {ex.Message}", ex);
        }

        var problem = record is null ? "is JSON null, not a record" : ShapeProblem(record) ?? record.Seq switch
        {
            var seq when seq > lineNumber => $"has sequence {seq} where {lineNumber} was expected: records {lineNumber} to {seq - 1} are missing",
            var seq when seq == lineNumber - 1 && seq > 0 => $"repeats sequence {seq}",
            var seq when seq < lineNumber => $"has sequence {seq} where {lineNumber} was expected: the sequence goes backwards",
            _ => null,
        };
        return problem is null ? record! : throw Malformed(location, lineNumber, problem);
    }

    /// <summary>What makes a record unfit for the journal apart from its sequence number; null when nothing does.</summary>
    private static string? ShapeProblem(JournalRecord record) => record switch
    {
        { V: < 1 } => "has no schema version ('v')",
        { Ts: var ts } when ts == default => "has no timestamp ('ts')",
        { Session: null or "" } => "has no session",
        { Type: null or "" } => "has no type",
        // A range, not Enum.IsDefined, which reads the enum's fields through reflection on first use under Native AOT.
        { Kind: < JournalRecordKind.Transition or > JournalRecordKind.Decision } => $"has an unknown kind {(int)record.Kind}",
        { Payload.ValueKind: JsonValueKind.Undefined } => "has no payload",
        _ => null,
    };

    private static JournalFormatException Malformed(string location, long lineNumber, string problem, Exception? inner = null) =>
        new(lineNumber, $"line {lineNumber} of {location} {problem}", inner);

    // Caller holds _cacheGate.
    private bool CacheMatches(SafeFileHandle handle, long length)
    {
        if (_validEnd == 0)
        {
            return true;
        }

        if (length < _validEnd)
        {
            return false;
        }

        Span<byte> last = stackalloc byte[1];
        return RandomAccess.Read(handle, last, _validEnd - 1) == 1 && last[0] == (byte)'\n';
    }

    /// <summary>Extends the validated prefix, unless another call on this instance already moved it.</summary>
    private void Remember(long from, IReadOnlyList<long> lineStarts, long validEnd)
    {
        lock (_cacheGate)
        {
            if (_validEnd != from || validEnd < from)
            {
                return;
            }

            _lineStarts.AddRange(lineStarts);
            _validEnd = validEnd;
        }
    }

    private void ForgetCache()
    {
        lock (_cacheGate)
        {
            _lineStarts.Clear();
            _validEnd = 0;
        }
    }

    private sealed record ScanResult(List<JournalRecord> Records, long LastSequence, long ValidEnd, byte[] Torn);
}
