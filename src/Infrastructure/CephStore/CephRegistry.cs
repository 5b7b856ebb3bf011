using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// The store's shared state, in the cluster next to the images (docs/agent.md, "State in the cluster"): each key's
/// generations (omap <c>state</c> of <c>blacksmith.key.&lt;encoded key&gt;</c>), the list of keys
/// (<c>blacksmith.keys</c>) and every exposure's record (<c>blacksmith.exposures</c>). Each write is one omap
/// operation, atomic in RADOS. A key's state is only changed under its <c>update</c> lock, a RADOS class lock with a
/// duration, so that a crashed holder blocks the key for that long at most; flatten and garbage collection of a key
/// take its <c>maintenance</c> lock, so only one agent at a time does them.
/// </summary>
internal sealed class CephRegistry(CephCli cli, string agent, TimeProvider machine)
{
    public const string UpdateLock = "update";
    public const string MaintenanceLock = "maintenance";

    private const string StateEntry = "state";

    /// <summary>How long a key's update lock lives if its holder dies: a commit's bookkeeping takes a few calls.</summary>
    public static readonly TimeSpan UpdateLockDuration = TimeSpan.FromSeconds(60);

    /// <summary>How long a commit waits for another agent's bookkeeping on the same key.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    public async Task<CephKeyState?> ReadKeyAsync(string encodedKey, string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["getomapval", CephImageNames.KeyObject(encodedKey), StateEntry, "-"], cancellationToken);
        if (reply.NotFound)
        {
            return null;
        }

        CephCli.Ensure(operation, "rados", reply);
        return Parse(reply.Output, CephStoreJsonContext.Default.CephKeyState, operation);
    }

    /// <summary>
    /// Reads the key's state, lets <paramref name="change"/> decide the next one, and writes it, all under the key's
    /// update lock; returns what was written (or the state unchanged, when <paramref name="change"/> returns it as is).
    /// A null result removes the key.
    /// </summary>
    public async Task<CephKeyState?> UpdateKeyAsync(string encodedKey, Func<CephKeyState?, CephKeyState?> change, string operation, CancellationToken cancellationToken)
    {
        var keyObject = CephImageNames.KeyObject(encodedKey);
        await using var held = await LockAsync(keyObject, UpdateLock, UpdateLockDuration, LockWait, operation, cancellationToken);
        var before = await ReadKeyAsync(encodedKey, operation, cancellationToken);
        var after = change(before);
        if (ReferenceEquals(after, before))
        {
            return before;
        }

        if (after is null)
        {
            await cli.TryRadosAsync(operation, ["rmomapkey", CephImageNames.KeysObject, encodedKey], cancellationToken);
            await cli.RadosAsync(operation, ["rmomapkey", keyObject, StateEntry], cancellationToken);
            return null;
        }

        // Listed before the state is written: a key in the list without a state is harmless, the other way round it would be invisible.
        if (before is null)
        {
            await cli.RadosAsync(operation, ["setomapval", CephImageNames.KeysObject, encodedKey, after.Key], cancellationToken);
        }

        await cli.RadosAsync(operation, ["setomapval", keyObject, StateEntry, JsonSerializer.Serialize(after, CephStoreJsonContext.Default.CephKeyState)], cancellationToken);
        return after;
    }

    /// <summary>Every key with a state: encoded name → cache key.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListKeysAsync(string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["listomapvals", CephImageNames.KeysObject], cancellationToken);
        return reply.NotFound ? new Dictionary<string, string>() : OmapListing.Parse(CephCli.Ensure(operation, "rados", reply).Output);
    }

    public async Task<CephExposureRecord?> ReadExposureAsync(string exposeId, string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["getomapval", CephImageNames.ExposuresObject, exposeId, "-"], cancellationToken);
        if (reply.NotFound)
        {
            return null;
        }

        CephCli.Ensure(operation, "rados", reply);
        return Parse(reply.Output, CephStoreJsonContext.Default.CephExposureRecord, operation);
    }

    public async Task<IReadOnlyList<CephExposureRecord>> ListExposuresAsync(string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["listomapvals", CephImageNames.ExposuresObject], cancellationToken);
        if (reply.NotFound)
        {
            return [];
        }

        return [.. OmapListing.Parse(CephCli.Ensure(operation, "rados", reply).Output).Values
            .Select(json => Parse(json, CephStoreJsonContext.Default.CephExposureRecord, operation))];
    }

    public Task WriteExposureAsync(CephExposureRecord record, string operation, CancellationToken cancellationToken) =>
        cli.RadosAsync(
            operation,
            ["setomapval", CephImageNames.ExposuresObject, record.ExposeId, JsonSerializer.Serialize(record, CephStoreJsonContext.Default.CephExposureRecord)],
            cancellationToken);

    public async Task RemoveExposureAsync(string exposeId, string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["rmomapkey", CephImageNames.ExposuresObject, exposeId], cancellationToken);
        if (!reply.NotFound)
        {
            CephCli.Ensure(operation, "rados", reply);
        }
    }

    /// <summary>
    /// Takes the exclusive lock <paramref name="name"/> on <paramref name="objectName"/> for <paramref name="duration"/>
    /// (the cluster lets it go then, should we die), waiting up to <paramref name="wait"/> while another agent holds it.
    /// Disposing releases it. Returns null instead of waiting when <paramref name="wait"/> is zero and it is taken.
    /// </summary>
    public async Task<ClusterLock> LockAsync(string objectName, string name, TimeSpan duration, TimeSpan wait, string operation, CancellationToken cancellationToken) =>
        await TryLockAsync(objectName, name, duration, wait, operation, cancellationToken)
            ?? throw new ExternalCallException(
                operation, ExternalErrorKind.Unavailable,
                $"the {name} lock of {objectName} is held by another agent for longer than {wait.TotalSeconds:0} s; try again");

    public async Task<ClusterLock?> TryLockAsync(string objectName, string name, TimeSpan duration, TimeSpan wait, string operation, CancellationToken cancellationToken)
    {
        var cookie = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var seconds = ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var started = machine.GetTimestamp();
        while (true)
        {
            var reply = await cli.TryRadosAsync(
                operation,
                ["lock", "get", objectName, name, "--lock-cookie", cookie, "--lock-duration", seconds, "--lock-description", agent, "--lock-type", "exclusive"],
                cancellationToken);
            if (reply.Succeeded)
            {
                return new ClusterLock(this, objectName, name, cookie);
            }

            if (reply.Errno != CephReply.Busy && reply.Errno != CephReply.Exists)
            {
                CephCli.Ensure(operation, "rados", reply);
            }

            if (machine.GetElapsedTime(started) >= wait)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50 + RandomNumberGenerator.GetInt32(200)), machine, cancellationToken);
        }
    }

    /// <summary>Breaks the holders of a lock that <paramref name="whose"/> picks (by cookie, or by description: this agent before a restart).</summary>
    public async Task BreakAsync(string objectName, string name, Func<RbdLocker, bool> whose, string operation, CancellationToken cancellationToken)
    {
        var reply = await cli.TryRadosAsync(operation, ["lock", "info", objectName, name, "--format", "json"], cancellationToken);
        if (!reply.Succeeded)
        {
            // No such object or lock: nothing to break.
            return;
        }

        var info = Parse(reply.Output, CephStoreJsonContext.Default.RbdLockInfo, operation);
        foreach (var locker in (info.Lockers ?? []).Where(whose))
        {
            var broken = await cli.TryRadosAsync(operation, ["lock", "break", objectName, name, locker.Name, "--lock-cookie", locker.Cookie], cancellationToken);
            if (!broken.Succeeded && !broken.NotFound)
            {
                CephCli.Ensure(operation, "rados", broken);
            }
        }
    }

    public string Agent => agent;

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"the cluster holds an empty {typeof(T).Name}");
        }
        catch (JsonException ex)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.BadReply, $"the cluster holds a {typeof(T).Name} that is not valid JSON: {ex.Message}", ex);
        }
    }
}
