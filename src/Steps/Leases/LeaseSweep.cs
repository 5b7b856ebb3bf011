using System.Globalization;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Leftovers;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Leases;

/// <summary>
/// Takes back exposures nobody settles. Upstream's client sends nothing when its job skips the commit, so without this
/// a clone and its loop device would stay until a reboot or an administrator's <c>store gc</c>. Each check lists the
/// store's exposures, and releases (never commits) each one whose lease has run out and whose device nothing on the
/// host mounts or holds open (<see cref="LeasePolicy"/>). The device is looked at right before the release, and only for
/// an expired lease. Nothing here throws for one exposure: a failure is logged and the next check tries again.
/// </summary>
internal partial class LeaseSweep(IExposureLeases leases, IDeviceUsage usage, TimeProvider time, ILogger<LeaseSweep> logger)
{
    // Expose ids already reported as kept in use, or as failing the same way: one line each, not one per check.
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Every exposure with what its lease allows now, touching nothing.</summary>
    public async Task<IReadOnlyList<LeaseReview>> ReviewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reviews = new List<LeaseReview>();
        foreach (var lease in await leases.ListLeasesAsync(cancellationToken))
        {
            reviews.Add(new LeaseReview(lease, await JudgeAsync(lease, now, cancellationToken)));
        }

        return reviews;
    }

    /// <summary>One check: releases every exposure whose lease has run out and whose device is unused.</summary>
    public async Task<IReadOnlyList<LeaseReview>> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reviews = new List<LeaseReview>();
        var listed = await leases.ListLeasesAsync(cancellationToken);
        foreach (var lease in listed)
        {
            var verdict = await JudgeAsync(lease, now, cancellationToken);
            reviews.Add(verdict.MayRelease ? await ReleaseAsync(lease, verdict, now, cancellationToken) : Keep(lease, verdict, now));
        }

        Forget(listed);
        return reviews;
    }

    private async Task<LeaseVerdict> JudgeAsync(ExposureLease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!LeasePolicy.IsExpired(lease, now))
        {
            return LeasePolicy.Judge(lease, now, use: null);
        }

        string? use;
        try
        {
            use = await usage.FindUseAsync(lease.Device, cancellationToken);
        }
        catch (ExternalCallException ex)
        {
            use = $"cannot tell whether it is in use: {ex.Message}";
        }

        return LeasePolicy.Judge(lease, now, use);
    }

    private LeaseReview Keep(ExposureLease lease, LeaseVerdict verdict, DateTimeOffset now)
    {
        if (verdict.Standing == LeaseStanding.ExpiredInUse && FirstTime(lease.ExposeId, verdict.Use!))
        {
            var ago = JobEnd.Describe(now - lease.ExpiresAt!.Value);
            LogKeptInUse(logger, lease.ExposeId, lease.CacheKey, lease.Device, ago, verdict.Use!);
        }

        return new LeaseReview(lease, verdict);
    }

    private async Task<LeaseReview> ReleaseAsync(ExposureLease lease, LeaseVerdict verdict, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            // Not cancelled half-way by a stopping agent: a release cut short stays recorded for the store's recovery,
            // but one that runs to its end leaves nothing for it.
            if (!await leases.ReleaseExpiredAsync(lease, CancellationToken.None))
            {
                return new LeaseReview(lease, verdict, Problem: "it was settled by its job meanwhile");
            }
        }
        catch (ExternalCallException ex)
        {
            if (FirstTime(lease.ExposeId, ex.Message))
            {
                LogReleaseFailed(logger, lease.ExposeId, lease.CacheKey, ex.Message);
            }

            return new LeaseReview(lease, verdict, Problem: ex.Message);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var grantedAt = lease.GrantedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var granted = JobEnd.Describe(lease.ExpiresAt!.Value - lease.GrantedAt);
        var ago = JobEnd.Describe(now - lease.ExpiresAt!.Value);
        LogReleased(logger, lease.ExposeId, lease.CacheKey, lease.Device, grantedAt, granted, ago);
        return new LeaseReview(lease, verdict, Released: true);
    }

    private bool FirstTime(string exposeId, string what)
    {
        lock (_lock)
        {
            if (_reported.TryGetValue(exposeId, out var reported) && reported == what)
            {
                return false;
            }

            _reported[exposeId] = what;
            return true;
        }
    }

    private void Forget(IReadOnlyList<ExposureLease> listed)
    {
        lock (_lock)
        {
            foreach (var gone in _reported.Keys.Where(id => !listed.Any(l => l.ExposeId == id)).ToList())
            {
                _reported.Remove(gone);
            }
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning,
        Message = "Released exposure {ExposeId} of {Key} ({Device}) unchanged, nothing committed: it was handed out at {GrantedAt} with a lease of {Lease}, which ran out {Ago} ago, and nothing on this host mounts it or holds it open")]
    private static partial void LogReleased(ILogger logger, string exposeId, string key, string device, string grantedAt, string lease, string ago);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information,
        Message = "The lease of exposure {ExposeId} of {Key} ran out {Ago} ago, but {Device} is in use ({Use}); it is kept while that lasts")]
    private static partial void LogKeptInUse(ILogger logger, string exposeId, string key, string device, string ago, string use);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning,
        Message = "Could not release exposure {ExposeId} of {Key}, whose lease ran out: {Reason}; the next check tries again")]
    private static partial void LogReleaseFailed(ILogger logger, string exposeId, string key, string reason);
}
