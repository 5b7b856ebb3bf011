using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// The sticky-disk store on a Ceph cluster (docs/agent.md, "The Ceph backend"): every runner host's agent works on
/// one pool, so a job on any host starts from the key's last committed generation. A generation is the snapshot
/// <c>gen</c> of the image the job that committed it wrote; exposing clones the key's head snapshot (clone v2, no
/// copy) and attaches the clone on this host; committing snapshots the clone and makes it the key's head; releasing
/// removes the clone. The shared state (key heads, exposure records, the chains they depend on) lives in the cluster
/// (<see cref="CephRegistry"/>), never in this host's data directory, which holds only this host's attachments.
/// </summary>
/// <remarks>
/// Winner rule: commits of one key are serialised by the key's update lock in the cluster, and each takes the next
/// generation number, so the last to take the lock is the head; no commit is lost (each is a generation, kept as
/// <see cref="CephStoreOptions.GenerationsKept"/> says), and the head is always a complete snapshot. One data
/// directory is used by one store at a time (a lock file), so that what the cluster records as this agent's is this
/// process's to finish after a crash.
/// </remarks>
public sealed partial class CephStickyDiskStore : IStickyDiskStore, IExposureLeases, IDisposable
{
    /// <summary><see cref="Kind"/>: journaled and shown, so that a job says which store served it.</summary>
    public const string CephKind = "ceph";

    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";
    private const long MiB = 1024 * 1024;

    private readonly CephStoreOptions _options;
    private readonly CephCli _cli;
    private readonly CephRegistry _registry;
    private readonly IBlockAttach _attach;
    private readonly TimeProvider _time;

    // Waits on the cluster and the OS (rbd-fuse starting, a lock another agent holds, a dead client's watch) run on the
    // machine's clock, never on _time: neither moves with the clock a store stamps its records with, and a store given
    // a test's fake clock would otherwise wait forever for them.
    private readonly TimeProvider _machine = TimeProvider.System;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _settling = new(StringComparer.Ordinal);
    private readonly string _boot;
    private readonly SemaphoreSlim _start = new(1, 1);
    private readonly List<Task> _maintenance = [];
    private readonly bool _administration;
    private FileStream? _hostLock;
    private bool _recovered;

    /// <param name="options">The cluster, pool and namespace, and this host's data directory.</param>
    /// <param name="runner">Runs rbd, rados, losetup, blockdev and umount.</param>
    /// <param name="time">Stamps records and leases; waits on the cluster and the OS run on the machine's clock.</param>
    /// <param name="logger">The store's log.</param>
    public CephStickyDiskStore(
        CephStoreOptions options,
        ProcessRunner runner,
        TimeProvider time,
        ILogger<CephStickyDiskStore> logger)
        : this(options, runner, time, (ILogger)logger, attach: null)
    {
    }

    internal CephStickyDiskStore(
        CephStoreOptions options,
        ProcessRunner runner,
        TimeProvider time,
        ILogger logger,
        IBlockAttach? attach,
        bool administration = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FlattenDepth is < 1 or > CephStoreOptions.MaxFlattenDepth)
        {
            throw new ArgumentException($"FlattenDepth must be 1-{CephStoreOptions.MaxFlattenDepth} (krbd refuses clone chains longer than 16), not {options.FlattenDepth}", nameof(options));
        }

        _options = options;
        _cli = new CephCli(options, runner);
        _time = time;
        _logger = logger;
        _registry = new CephRegistry(_cli, options.EffectiveAgentName, _machine);
        _attach = attach ?? (UsesKrbd(options.Attach) ? new KrbdAttach(_cli, runner) : new RbdFuseAttach(options, _cli, runner, _machine, logger));
        _boot = ReadBootId();
        _administration = administration;
    }

    /// <summary>
    /// A store for <c>blacksmith-agent store ls|rm|gc</c>, beside a running agent: it neither takes the data
    /// directory's lock nor recovers this host's exposures, which are the running agent's to settle.
    /// </summary>
    public static CephStickyDiskStore ForAdministration(CephStoreOptions options, ProcessRunner runner, TimeProvider time, ILogger logger) =>
        new(options, runner, time, logger, attach: null, administration: true);

    public string Kind => CephKind;

    /// <summary>What the store was configured with.</summary>
    public CephStoreOptions Options => _options;

    /// <summary>The data path in use: <c>krbd</c> or <c>rbd-fuse</c>.</summary>
    public string AttachName => _attach.Name;

    /// <summary>This store's name in the cluster's exposure records.</summary>
    public string AgentName => _registry.Agent;

    /// <summary>
    /// Checks that the cluster answers and the pool (and namespace) exist, takes this host's data directory, and, the
    /// first time, recovers what a crash of this host's store left (<see cref="RecoverAsync"/>).
    /// </summary>
    public async Task UpAsync(CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.up";
        await _start.WaitAsync(cancellationToken);
        try
        {
            if (!_administration)
            {
                TakeHostLock(operation);
            }

            var reply = await _cli.TryRbdAsync(operation, ["ls", "--format", "json", _cli.Spec(string.Empty).TrimEnd('/')], cancellationToken);
            if (!reply.Succeeded)
            {
                throw new ExternalCallException(
                    operation, ExternalErrorKind.Failed,
                    $"cannot list RBD images in {_cli.Spec(string.Empty).TrimEnd('/')}: {reply.Error.Trim().Split('\n')[^1]} (create the pool with `rbd pool init`, the namespace with `rbd namespace create`)");
            }

            if (!_recovered)
            {
                CephStoreLog.Started(_logger, _options.Pool, _options.Namespace ?? "(default)", _options.ConfigFile, _options.User, _attach.Name, AgentName);
                if (!_administration)
                {
                    await RecoverAsync(operation, cancellationToken);
                }

                _recovered = true;
            }
        }
        finally
        {
            _start.Release();
        }
    }

    /// <summary>Clones the key's head snapshot (or makes a new blank image) and attaches the clone on this host.</summary>
    public async Task<ExposedDisk> ExposeAsync(string cacheKey, CancellationToken cancellationToken)
    {
        const string operation = "stickydisk.expose";
        var encoded = CephImageNames.Encode(cacheKey, operation);
        await EnsureUpAsync(cancellationToken);
        var exposeId = "c" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var image = CephImageNames.Image(encoded, exposeId);
        var state = await _registry.ReadKeyAsync(encoded, operation, cancellationToken);
        var head = state?.Head;
        var now = _time.GetUtcNow();
        var record = new CephExposureRecord(
            exposeId, cacheKey, image, CephExposureState.Exposing, head?.Number, head is null ? [] : [head.Image, .. head.Chain],
            AgentName, _boot, _options.Holder, null, now, now, null, now + _options.ExposureLease);

        // Recorded before the image exists: whatever a crash leaves in the cluster can be traced to a record.
        await _registry.WriteExposureAsync(record, operation, cancellationToken);
        Reached("ExposeRecorded");
        try
        {
            if (head is null)
            {
                var mebibytes = ((_options.DiskSizeBytes + MiB - 1) / MiB).ToString(CultureInfo.InvariantCulture);
                await _cli.RbdAsync(operation, ["create", "--size", mebibytes + "M", _cli.Spec(image)], cancellationToken);
            }
            else
            {
                await _cli.RbdAsync(operation, ["clone", _cli.Spec(head.Image, CephImageNames.Snapshot), _cli.Spec(image)], cancellationToken);
            }

            Reached("ExposeCloned");
            var device = await _attach.AttachAsync(image, exposeId, operation, cancellationToken);
            record = record with { State = CephExposureState.Exposed, Device = device, Updated = _time.GetUtcNow() };
            await _registry.WriteExposureAsync(record, operation, cancellationToken);
            Reached("ExposeAttached");
            CephStoreLog.Exposed(_logger, cacheKey, device, exposeId, image, head?.Number ?? 0, record.Chain.Count + 1, _attach.Name);
            return new ExposedDisk(exposeId, device);
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException or IOException or System.ComponentModel.Win32Exception)
        {
            await DiscardAsync(record, "stickydisk.expose.undo");
            throw;
        }
    }

    /// <summary>
    /// Commit: detach, snapshot the clone and make it the key's next generation (the last committer is the head).
    /// Release: detach and remove the clone. Repeating a settlement that already happened succeeds.
    /// </summary>
    public async Task<SettleOutcome> SettleAsync(DiskSettlement settlement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var operation = settlement.Operation;
        var encoded = CephImageNames.Encode(settlement.CacheKey, operation);
        if (!IsExposeId(settlement.ExposeId))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"'{settlement.ExposeId}' is not an expose id this store hands out");
        }

        await EnsureUpAsync(cancellationToken);

        // Only this process settles this host's exposures (the data directory's lock). Taken before the record is read,
        // so that the lease check cannot release it under this call, nor a second call of the same settlement race it.
        if (!_settling.TryAdd(settlement.ExposeId, 0))
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Unavailable, $"exposure {settlement.ExposeId} is being settled right now; try again");
        }

        try
        {
            return await SettleHeldAsync(settlement, encoded, operation, cancellationToken);
        }
        finally
        {
            _settling.TryRemove(settlement.ExposeId, out _);
        }
    }

    private async Task<SettleOutcome> SettleHeldAsync(DiskSettlement settlement, string encoded, string operation, CancellationToken cancellationToken)
    {
        var record = await _registry.ReadExposureAsync(settlement.ExposeId, operation, cancellationToken);
        if (record is null)
        {
            var state = await _registry.ReadKeyAsync(encoded, operation, cancellationToken);
            if (state?.Generations.FirstOrDefault(g => g.ExposeId == settlement.ExposeId) is { } done)
            {
                // A commit repeated after a lost reply, or finished by recovery: done, and a release cannot undo it.
                CephStoreLog.AlreadyCommitted(_logger, settlement.ExposeId, done.Number, settlement.CacheKey);
                return SettleOutcome.AlreadyCommitted;
            }

            if (!settlement.Commit)
            {
                CephStoreLog.NothingToRelease(_logger, settlement.ExposeId);
                return SettleOutcome.NotHeld;
            }

            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"the cluster has no exposure {settlement.ExposeId} of {CacheKeyPrintable(settlement.CacheKey)}: it was released, or never made; nothing was committed");
        }

        if (record.Key != settlement.CacheKey)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"exposure {record.ExposeId} belongs to the key {CacheKeyPrintable(record.Key)}, not {CacheKeyPrintable(settlement.CacheKey)}; nothing was changed");
        }

        if (record.Agent != AgentName)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"exposure {record.ExposeId} is attached on another host ({record.Agent}); settle it through that host's agent. Nothing was changed");
        }

        if (settlement.Commit)
        {
            await CommitAsync(record with { FsUsageBytes = settlement.FsUsageBytes ?? record.FsUsageBytes }, operation, cancellationToken);
        }
        else
        {
            await ReleaseAsync(record, operation, cancellationToken);
            CephStoreLog.Released(_logger, record.ExposeId, record.Key);
        }

        return SettleOutcome.Applied;
    }

    /// <summary>The exposures this host handed out to <paramref name="holder"/> and not settled (recovery runs first, as on <see cref="UpAsync"/>).</summary>
    public async Task<IReadOnlyList<ExposedDisk>> FindExposuresAsync(string holder, CancellationToken cancellationToken)
    {
        await EnsureUpAsync(cancellationToken);
        var records = await _registry.ListExposuresAsync("stickydisk.findExposures", cancellationToken);
        return [.. records.Where(r => r.Agent == AgentName && r.Holder == holder).Select(r => new ExposedDisk(r.ExposeId, r.Device ?? string.Empty))];
    }

    public Task ReportMetricAsync(StickyDiskMetric metric, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metric);
        CephStoreLog.Metric(_logger, metric.Kind, metric.Value);
        return Task.CompletedTask;
    }

    /// <summary>Waits for the flattens and garbage collections that commits started in the background.</summary>
    public async Task WaitForMaintenanceAsync()
    {
        Task[] running;
        lock (_maintenance)
        {
            running = [.. _maintenance];
        }

        await Task.WhenAll(running);
    }

    public void Dispose()
    {
        _hostLock?.Dispose();
        _start.Dispose();
    }

    private async Task CommitAsync(CephExposureRecord record, string operation, CancellationToken cancellationToken)
    {
        if (record.State == CephExposureState.Releasing)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"exposure {record.ExposeId} is being released; it cannot be committed");
        }

        var encoded = CephImageNames.Encode(record.Key, operation);
        if (await _attach.MountedAtAsync(record.Image, record.ExposeId, cancellationToken) is { } where)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"{record.Device} is still mounted at {where}; unmount it first (nothing was changed)");
        }

        record = record with { State = CephExposureState.Committing, Updated = _time.GetUtcNow() };
        await _registry.WriteExposureAsync(record, operation, cancellationToken);
        Reached("CommitRecorded");
        await _attach.DetachAsync(record.Image, record.ExposeId, forCommit: true, operation, cancellationToken);
        Reached("CommitDetached");

        // The snapshot is the generation's data; a repeat finds it made.
        var snapshot = await _cli.TryRbdAsync(operation, ["snap", "create", _cli.Spec(record.Image, CephImageNames.Snapshot)], cancellationToken);
        if (!snapshot.Succeeded && snapshot.Errno != CephReply.Exists)
        {
            CephCli.Ensure(operation, "rbd", snapshot);
        }

        Reached("CommitSnapshotted");
        CephGeneration? published = null;
        await _registry.UpdateKeyAsync(
            encoded,
            before =>
            {
                if (before?.Generations.FirstOrDefault(g => g.ExposeId == record.ExposeId) is { } done)
                {
                    published = done;
                    return before;
                }

                // The chain as it is now: the generation it was cloned from may have been flattened since.
                var parent = before?.Generations.FirstOrDefault(g => g.Number == record.BaseGeneration && record.Chain.Count > 0 && g.Image == record.Chain[0]);
                IReadOnlyList<string> chain = parent is null ? record.Chain : [parent.Image, .. parent.Chain];
                var number = (before?.LastNumber ?? 0) + 1;
                published = new CephGeneration(number, record.Image, record.ExposeId, chain, _time.GetUtcNow(), AgentName, record.FsUsageBytes);
                var generations = (before?.Generations ?? []).Append(published).TakeLast(Math.Max(1, _options.GenerationsKept)).ToList();
                return new CephKeyState(record.Key, generations, number, _time.GetUtcNow());
            },
            operation,
            cancellationToken);

        Reached("CommitPublished");
        await _registry.RemoveExposureAsync(record.ExposeId, operation, cancellationToken);
        CephStoreLog.Committed(_logger, record.Key, published!.Number, record.Image, record.ExposeId);
        StartMaintenance(encoded);
    }

    private async Task ReleaseAsync(CephExposureRecord record, string operation, CancellationToken cancellationToken)
    {
        if (record.State != CephExposureState.Releasing)
        {
            record = record with { State = CephExposureState.Releasing, Updated = _time.GetUtcNow() };
            await _registry.WriteExposureAsync(record, operation, cancellationToken);
        }

        Reached("ReleaseRecorded");
        await _attach.DetachAsync(record.Image, record.ExposeId, forCommit: false, operation, cancellationToken);
        Reached("ReleaseDetached");
        await RemoveImageAsync(record.Image, operation, cancellationToken);
        Reached("ReleaseRemoved");
        await _registry.RemoveExposureAsync(record.ExposeId, operation, cancellationToken);
    }

    /// <summary>Undoes an exposure that was never handed out, or one recovery discards; failures are logged, not thrown.</summary>
    private async Task DiscardAsync(CephExposureRecord record, string operation)
    {
        try
        {
            using var bounded = new CancellationTokenSource(_options.WatchTimeout + TimeSpan.FromMinutes(1));
            await ReleaseAsync(record, operation, bounded.Token);
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException or IOException)
        {
            CephStoreLog.CleanupFailed(_logger, $"exposure {record.ExposeId} ({record.Image})", ex.Message);
        }
    }

    /// <summary>
    /// Removes an image that has no snapshot with clones. A client that crashed with it open keeps a watch on it until
    /// the cluster's <c>osd_client_watch_timeout</c>, and rbd refuses the removal until then, so it is retried that long.
    /// </summary>
    private async Task RemoveImageAsync(string image, string operation, CancellationToken cancellationToken)
    {
        var started = _machine.GetTimestamp();
        while (true)
        {
            var reply = await _cli.TryRbdAsync(operation, ["rm", _cli.Spec(image)], cancellationToken, slow: true);
            if (reply.Succeeded || reply.NotFound)
            {
                return;
            }

            var watched = reply.Error.Contains("still has watchers", StringComparison.Ordinal);
            if (!watched || _machine.GetElapsedTime(started) > _options.WatchTimeout)
            {
                CephCli.Ensure(operation, "rbd", reply);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _machine, cancellationToken);
        }
    }

    private async Task EnsureUpAsync(CancellationToken cancellationToken)
    {
        if (!_recovered)
        {
            await UpAsync(cancellationToken);
        }
    }

    private void TakeHostLock(string operation)
    {
        if (_hostLock is not null)
        {
            return;
        }

        Directory.CreateDirectory(_options.DataDirectory);
        var path = Path.Combine(_options.DataDirectory, "ceph-store.lock");
        try
        {
            // FileShare.None is flock(LOCK_EX) on Linux: the kernel lets it go when this process dies, however it dies.
            _hostLock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"another store process uses the data directory {_options.DataDirectory} (its lock {path} is held); run one agent per data directory", ex);
        }
    }

    private void StartMaintenance(string encodedKey)
    {
        var task = Task.Run(() => MaintainAsync(encodedKey, CancellationToken.None));
        lock (_maintenance)
        {
            _maintenance.RemoveAll(t => t.IsCompleted);
            _maintenance.Add(task);
        }
    }

    private void Reached(string step) => _options.Failpoints?.Reached("ceph:" + step);

    private static bool UsesKrbd(CephAttachMode mode) => mode switch
    {
        CephAttachMode.Krbd => true,
        CephAttachMode.RbdFuse => false,
        _ => Directory.Exists("/sys/bus/rbd"),
    };

    private static bool IsExposeId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string CacheKeyPrintable(string key) => LocalStore.CacheKeyName.Printable(key);

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
}
