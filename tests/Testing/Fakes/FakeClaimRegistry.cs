using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>
/// The machine's claims in memory, keyed by job directory: the registry the sweep reads, and the one job's claim the
/// pipeline projects (<see cref="For"/>), so a test can see both sides meet.
/// </summary>
public sealed class FakeClaimRegistry : IClaimRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JobClaim> _claims = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public string Location => "memory";

    /// <summary>Set to make the listing untrusted.</summary>
    public string? Untrusted { get; set; }

    /// <summary>Entries that are not claims, listed with their problem.</summary>
    public List<StoredClaim> Unreadable { get; } = [];

    public IReadOnlyCollection<JobClaim> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _claims.Values];
            }
        }
    }

    public void Write(JobClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            _claims[claim.JobDirectory] = claim;
        }
    }

    public JobClaim? Read(string jobDirectory)
    {
        lock (_gate)
        {
            return _claims.GetValueOrDefault(jobDirectory);
        }
    }

    public bool WasReported(string jobDirectory)
    {
        lock (_gate)
        {
            return _reported.Contains(jobDirectory);
        }
    }

    /// <summary>The claim of one job, as that job's pipeline writes it (owner and times fixed by the test).</summary>
    public IJobClaim For(string jobDirectory, ClaimOwner? owner, string bootId, DateTimeOffset createdAt) =>
        new OwnClaim(this, jobDirectory, owner, bootId, createdAt);

    public Task<ClaimListing> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(Untrusted is { } untrusted
                ? new ClaimListing([], untrusted)
                : new ClaimListing([.. _claims.Values.Select(c => new StoredClaim(c.JobDirectory, c)), .. Unreadable]));
        }
    }

    public Task<StoredClaim?> FindAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_claims.TryGetValue(jobDirectory, out var claim) ? new StoredClaim(jobDirectory, claim) : null);
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reported.Remove(id);
            return Task.FromResult(_claims.Remove(id));
        }
    }

    public Task<bool> MarkReportedAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_reported.Add(id));
        }
    }

    private sealed class OwnClaim(FakeClaimRegistry registry, string jobDirectory, ClaimOwner? owner, string bootId, DateTimeOffset createdAt) : IJobClaim
    {
        public ValueTask UpdateAsync(JobHoldings? holdings, CancellationToken cancellationToken)
        {
            if (holdings is null)
            {
                _ = registry.DeleteAsync(jobDirectory, cancellationToken);
            }
            else
            {
                registry.Write(registry.Read(jobDirectory) is { } earlier
                    ? earlier with { Holdings = holdings }
                    : new JobClaim(jobDirectory, owner, bootId, createdAt, holdings));
            }

            return ValueTask.CompletedTask;
        }
    }
}
