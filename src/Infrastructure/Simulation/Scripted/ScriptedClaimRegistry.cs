using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The claims of a replay's machine (<see cref="ScriptedMachine.Claims"/>), held in memory with the claim files'
/// contract: listed in order, found by job directory, deleted once, reported once. A claim's id is its job directory.
/// Like the journal, it refuses a host the world has stopped: a killed setup neither reads nor removes a claim.
/// </summary>
public sealed class ScriptedClaimRegistry(ScriptedWorld world, ScriptedMachine machine) : IClaimRegistry
{
    private readonly Lock _gate = new();
    private readonly List<JobClaim> _claims = [.. machine.Claims];
    private readonly HashSet<string> _reported = new(machine.Reported, StringComparer.Ordinal);

    public string Location => "the replay's machine (in memory)";

    /// <summary>The claims left now, without asking the world (for reports, also after a host was stopped).</summary>
    public IReadOnlyList<JobClaim> Claims
    {
        get
        {
            lock (_gate)
            {
                return [.. _claims];
            }
        }
    }

    /// <summary>Whether the claim of <paramref name="jobDirectory"/> is marked as reported (for reports).</summary>
    public bool IsReported(string jobDirectory)
    {
        lock (_gate)
        {
            return _reported.Contains(jobDirectory);
        }
    }

    public Task<ClaimListing> ListAsync(CancellationToken cancellationToken)
    {
        world.BeforeClaimsAccess();
        lock (_gate)
        {
            return Task.FromResult(new ClaimListing([.. _claims.Select(Stored)]));
        }
    }

    public Task<StoredClaim?> FindAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        world.BeforeClaimsAccess();
        lock (_gate)
        {
            return Task.FromResult(_claims.FirstOrDefault(c => c.JobDirectory == jobDirectory) is { } claim ? Stored(claim) : null);
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        world.BeforeClaimsAccess();
        lock (_gate)
        {
            _reported.Remove(id);
            return Task.FromResult(_claims.RemoveAll(c => c.JobDirectory == id) > 0);
        }
    }

    public Task<bool> MarkReportedAsync(string id, CancellationToken cancellationToken)
    {
        world.BeforeClaimsAccess();
        lock (_gate)
        {
            return Task.FromResult(_reported.Add(id));
        }
    }

    private static StoredClaim Stored(JobClaim claim) => new(claim.JobDirectory, claim);
}
