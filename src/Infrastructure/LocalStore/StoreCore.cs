using System.Collections.Concurrent;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// The local store's engine, shared by <see cref="LocalStickyDiskStore"/> (the port) and <see cref="LocalStoreAdmin"/>.
/// Every change to what is on disk follows one pattern: under the store's lock (<c>store.lock</c>, held only for short
/// bookkeeping), write the exposure's record saying what is about to happen; do the slow part (clone, attach, detach,
/// fsync) without the lock; then, under the lock again, make the result visible with one rename. The crash-safety
/// argument is in docs/local-store.md.
/// </summary>
/// <remarks>
/// Catch clauses here name the exceptions they handle (I/O, refusals, cancellation, the port's own). The fault hook of
/// the crash tests throws something else, which therefore leaves every step exactly as a killed process would.
/// </remarks>
internal sealed partial class StoreCore : IDisposable
{
    private const string LoopControl = "/dev/loop-control";
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    private readonly LocalStoreOptions _options;
    private readonly ProcessRunner _runner;
    private readonly Privilege _privilege;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string> _newExposeId;
    private readonly Action<StoreStep>? _fault;
    private readonly SemaphoreSlim _startGate = new(1, 1);

    // Expose ids this instance is working on right now: a record owned by this instance but not in here was left by
    // an operation of ours that failed half-way, and may be resumed.
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    private StoreLayout? _layout;
    private IDiskBacking? _backing;
    private OwnerLock? _owner;
    private string _bootId = "";
    private volatile bool _started;

    public StoreCore(
        LocalStoreOptions options,
        ProcessRunner runner,
        Privilege privilege,
        TimeProvider time,
        ILogger logger,
        Func<string>? newExposeId,
        Action<StoreStep>? fault)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(privilege);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The local sticky-disk store relies on Linux (loop devices, FICLONE, flock); it runs on Linux only.");
        }

        _options = options;
        _runner = runner;
        _privilege = privilege;
        _time = time;
        _logger = logger;
        _newExposeId = newExposeId ?? (() => "local-" + Guid.NewGuid().ToString("N")[..16]);
        _fault = fault ?? (NoFailpoints.Active(options.Failpoints) is { } failpoints ? step => failpoints.Reached($"store:{step}") : null);
    }

    public LocalStoreOptions Options => _options;

    /// <summary>The data directory: canonical once started.</summary>
    public string DataDirectory => _layout?.Root ?? Path.GetFullPath(_options.DataDirectory);

    /// <summary>The mode in use once started; before that, the one the store will start in.</summary>
    public LocalStoreMode Mode => _backing?.Mode ?? PredictMode();

    // What StoreRecovery works with: it recovers through this store, under its lock.
    internal StoreLayout Layout => _layout ?? throw new InvalidOperationException("the store has not started");

    internal IDiskBacking Backing => _backing ?? throw new InvalidOperationException("the store has not started");

    internal OwnerLock Me => _owner ?? throw new InvalidOperationException("the store has not started");

    internal string BootId => _bootId;

    internal ConcurrentDictionary<string, byte> InFlight => _inFlight;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    /// <summary>
    /// Opens the data directory (creating it and its layout when <paramref name="create"/>), settles its mode and takes
    /// this instance's owner lock. Returns false only when <paramref name="create"/> is false and there is no store.
    /// </summary>
    public async Task<bool> StartAsync(bool create, string operation, CancellationToken cancellationToken)
    {
        if (_started)
        {
            return true;
        }

        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_started)
            {
                return true;
            }

            var full = Path.GetFullPath(_options.DataDirectory);
            if (!create && !File.Exists(Path.Combine(full, "store.json")))
            {
                return false;
            }

            try
            {
                // A new data directory is flushed into its parent: the records and generations in it are promised to
                // survive a power loss, and their own flushes do not cover the entry that names the directory.
                foreach (var warning in UnixFiles.CreatePrivateDirectory(full, durable: true))
                {
                    LocalStoreLog.CleanupFailed(_logger, full, warning);
                }

                // The kernel names a loop device's backing file by its resolved path; ours must compare equal.
                var layout = new StoreLayout(LinuxBlockDevice.Canonical(full));
                foreach (var directory in layout.Directories)
                {
                    FileTree.CreatePrivateDirectory(directory);
                }

                var mode = await SettleModeAsync(layout, operation, cancellationToken);
                _bootId = ReadBootId();
                _owner = OwnerLock.Take(layout.Owners);
                _backing = mode == LocalStoreMode.LoopDevice
                    ? new ImageBacking(new LoopDevices(_runner, _privilege, _options.ToolTimeout), _options.DiskSizeBytes)
                    : new DirectoryBacking(_runner, _options.CopyTimeout);
                _layout = layout;
                _started = true;
                LocalStoreLog.Started(_logger, layout.Root, mode);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw StoreFailure.From(ex, operation, full, "opening the local sticky-disk store");
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.expose";
        var encoded = CacheKeyName.Encode(cacheKey, operation);
        await StartAsync(create: true, operation, cancellationToken);
        var exposeId = _newExposeId();
        if (!StoreLayout.IsSafeId(exposeId) || !_inFlight.TryAdd(exposeId, 0))
        {
            throw new InvalidOperationException($"the expose id source gave '{exposeId}', which is not a fresh id of 1-64 letters, digits, '-' and '_'");
        }

        try
        {
            return await ExposeCoreAsync(cacheKey, encoded, exposeId, operation, cancellationToken);
        }
        finally
        {
            _inFlight.TryRemove(exposeId, out _);
        }
    }

    /// <summary>The exposures handed out to <paramref name="holder"/> that are not settled yet.</summary>
    public async Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, string operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        using (await LockAsync(operation, cancellationToken))
        {
            return [.. ReadRecords()
                .Where(r => r.State == ExposureState.Exposed && string.Equals(r.Holder, holder, StringComparison.Ordinal))
                .OrderBy(r => r.Created)
                .Select(r => new ExposedDisk(r.ExposeId, r.Device ?? string.Empty))];
        }
    }

    public void Dispose()
    {
        // Only the owner lock: whatever an operation left half-done stays as a crash would leave it, for recovery.
        _owner?.Dispose();
        _startGate.Dispose();
    }

    private async Task<ExposedDisk> ExposeCoreAsync(string key, string encoded, string exposeId, string operation, CancellationToken cancellationToken)
    {
        var clone = Layout.Clone(exposeId, Backing.Suffix);
        ExposureRecord record;
        GenerationEntry? source;
        try
        {
            using (await LockAsync(operation, cancellationToken))
            {
                if (File.Exists(Layout.Record(exposeId)) || Path.Exists(clone))
                {
                    throw new InvalidOperationException($"the expose id source repeated '{exposeId}', which the store already has");
                }

                // The record names its base generation, which keeps pruning away from it until the clone is made.
                var generations = Generations(encoded);
                source = generations.Count > 0 ? generations[^1] : null;
                record = new ExposureRecord(
                    exposeId, key, ExposureState.Exposing, Path.GetFileName(clone), source?.Number, null, null, _time.GetUtcNow(), _bootId, Me.Id, Environment.ProcessId, null)
                {
                    Holder = _options.Holder,
                };
                WriteRecord(record);
                TouchKey(encoded);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw StoreFailure.From(ex, operation, Layout.Root, $"recording a new exposure of {CacheKeyName.Printable(key)}");
        }

        Fault(StoreStep.ExposeRecorded);
        try
        {
            var method = await Backing.CloneAsync(source?.Path, clone, operation, cancellationToken);
            Fault(StoreStep.ExposeCloned);
            var device = await Backing.AttachAsync(clone, operation, cancellationToken);
            Fault(StoreStep.ExposeAttached);
            // The lease runs from the hand-out, not from the start of a clone that may have taken a while.
            record = record with
            {
                State = ExposureState.Exposed,
                Method = method,
                Device = device,
                Owner = null,
                Pid = Environment.ProcessId,
                LeaseExpires = _time.GetUtcNow() + _options.ExposureLease,
            };
            using (await LockAsync(operation, CancellationToken.None))
            {
                WriteRecord(record);
            }

            LocalStoreLog.Exposed(_logger, key, device, exposeId, source?.Number ?? 0, method);
            return new ExposedDisk(exposeId, device);
        }
        catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            await UndoExposeAsync(record, operation);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            var what = source is null
                ? $"making a new disk for {CacheKeyName.Printable(key)}"
                : $"cloning generation {source.Number} of {CacheKeyName.Printable(key)}";
            throw StoreFailure.From(ex, operation, Layout.Root, what);
        }
    }

    /// <summary>Takes back a failed expose; what cannot be undone now stays recorded for recovery.</summary>
    private async Task UndoExposeAsync(ExposureRecord record, string operation)
    {
        try
        {
            await ReleaseCoreAsync(record, operation, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ExternalCallException or IOException or UnauthorizedAccessException)
        {
            LocalStoreLog.CleanupFailed(_logger, $"the failed exposure {record.ExposeId}", ex.Message);
        }
    }

    private async Task<LocalStoreMode> SettleModeAsync(StoreLayout layout, string operation, CancellationToken cancellationToken)
    {
        using var held = await LockAsync(layout, operation, cancellationToken);
        var marker = DurableFile.ReadJson(layout.MarkerPath, LocalStoreJsonContext.Default.StoreMarker);
        LocalStoreMode mode;
        if (marker is null)
        {
            mode = _options.Mode == LocalStoreMode.Auto ? DetectMode() : _options.Mode;
            DurableFile.WriteJson(layout.MarkerPath, new StoreMarker(mode), LocalStoreJsonContext.Default.StoreMarker);
        }
        else if (_options.Mode != LocalStoreMode.Auto && _options.Mode != marker.Mode)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"{layout.Root} holds a {Describe(marker.Mode)} store; it cannot be opened in {Describe(_options.Mode)} mode (use another data directory)");
        }
        else
        {
            mode = marker.Mode;
        }

        if (mode == LocalStoreMode.LoopDevice && !File.Exists(LoopControl))
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Missing, $"{layout.Root} is a loop-device store, but this machine has no {LoopControl} (the loop driver is not loaded, or this container was not given it)");
        }

        return mode;
    }

    private LocalStoreMode PredictMode()
    {
        if (_options.Mode != LocalStoreMode.Auto)
        {
            return _options.Mode;
        }

        try
        {
            var marker = DurableFile.ReadJson(Path.Combine(Path.GetFullPath(_options.DataDirectory), "store.json"), LocalStoreJsonContext.Default.StoreMarker);
            return marker?.Mode ?? DetectMode();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return DetectMode();
        }
    }

    private LocalStoreMode DetectMode() =>
        _privilege.IsRoot && File.Exists(LoopControl) ? LocalStoreMode.LoopDevice : LocalStoreMode.Directory;

    internal static string Describe(LocalStoreMode mode) => mode switch
    {
        LocalStoreMode.LoopDevice => "loop-device",
        LocalStoreMode.Directory => "directory",
        _ => "auto",
    };

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText(BootIdPath).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    internal Task<FileLock> LockAsync(string operation, CancellationToken cancellationToken) => LockAsync(Layout, operation, cancellationToken);

    private async Task<FileLock> LockAsync(StoreLayout layout, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await FileLock.AcquireAsync(layout.LockPath, exclusive: true, _options.LockTimeout, _time, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new ExternalCallException(
                operation,
                ExternalErrorKind.Unavailable,
                $"the local store at {layout.Root} stayed locked by another process for {_options.LockTimeout.TotalSeconds:0} s",
                ex);
        }
    }

    private void Fault(StoreStep step) => _fault?.Invoke(step);

    internal List<GenerationEntry> Generations(string encodedKey)
    {
        var directory = Layout.Generations(encodedKey);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var generations = new List<GenerationEntry>();
        foreach (var path in Directory.EnumerateFileSystemEntries(directory))
        {
            if (StoreLayout.TryParseGeneration(Path.GetFileName(path), Backing.Suffix, out var number, out var exposeId))
            {
                generations.Add(new GenerationEntry(number, exposeId, path));
            }
        }

        generations.Sort((a, b) => a.Number.CompareTo(b.Number));
        return generations;
    }

    private ExposureRecord? ReadRecord(string exposeId) =>
        DurableFile.ReadJson(Layout.Record(exposeId), LocalStoreJsonContext.Default.ExposureRecord);

    /// <summary>Every readable record; one that cannot be read is logged and left alone (its clone with it).</summary>
    internal List<ExposureRecord> ReadRecords()
    {
        var records = new List<ExposureRecord>();
        foreach (var path in Directory.EnumerateFiles(Layout.Exposures))
        {
            if (StoreLayout.RecordId(Path.GetFileName(path)) is not { } exposeId)
            {
                continue;
            }

            try
            {
                if (ReadRecord(exposeId) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (InvalidDataException ex)
            {
                LocalStoreLog.CleanupFailed(_logger, path, ex.Message);
            }
        }

        return records;
    }

    internal void WriteRecord(ExposureRecord record) =>
        DurableFile.WriteJson(Layout.Record(record.ExposeId), record, LocalStoreJsonContext.Default.ExposureRecord);

    private KeyRecord? ReadKeyRecord(string encodedKey)
    {
        try
        {
            return DurableFile.ReadJson(Layout.KeyRecord(encodedKey), LocalStoreJsonContext.Default.KeyRecord);
        }
        catch (InvalidDataException ex)
        {
            // Only bookkeeping: the next commit writes it again.
            LocalStoreLog.CleanupFailed(_logger, Layout.KeyRecord(encodedKey), ex.Message);
            return null;
        }
    }

    /// <summary>Marks the key as used now, for the eviction order; a key without a commit yet has nothing to mark.</summary>
    private void TouchKey(string encodedKey)
    {
        if (ReadKeyRecord(encodedKey) is { } existing)
        {
            DurableFile.WriteJson(Layout.KeyRecord(encodedKey), existing with { LastUsed = _time.GetUtcNow() }, LocalStoreJsonContext.Default.KeyRecord);
        }
    }

    /// <summary>Moves a file or tree into the trash by one rename; null when there is nothing at <paramref name="path"/>.</summary>
    internal string? MoveToTrash(string path, string label)
    {
        if (FileTree.IsDirectory(path))
        {
            var entry = Layout.TrashEntry(label);
            Directory.Move(path, entry);
            return entry;
        }

        if (Path.Exists(path) || File.Exists(path))
        {
            var entry = Layout.TrashEntry(label);
            File.Move(path, entry, overwrite: true);
            return entry;
        }

        return null;
    }

    /// <summary>Deletes trash entries; returns the bytes they held. A failure is logged: the next recovery tries again.</summary>
    internal long DeleteTrash(IEnumerable<string?> entries)
    {
        var freed = 0L;
        foreach (var entry in entries)
        {
            if (entry is null)
            {
                continue;
            }

            try
            {
                var bytes = FileTree.AllocatedBytes(entry);
                FileTree.Delete(entry);
                freed += bytes;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LocalStoreLog.CleanupFailed(_logger, entry, ex.Message);
            }
        }

        return freed;
    }
}
