using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Orchestration.Ports;

/// <summary>The claims of every job on this machine, as the cleanup after killed jobs reads and retires them.</summary>
public interface IClaimRegistry
{
    /// <summary>Where the claims live, for messages.</summary>
    string Location { get; }

    /// <summary>Every claim, or why they may not be trusted.</summary>
    Task<ClaimListing> ListAsync(CancellationToken cancellationToken);

    /// <summary>The claim of <paramref name="jobDirectory"/>, or null when it has none (or it cannot be read).</summary>
    Task<StoredClaim?> FindAsync(string jobDirectory, CancellationToken cancellationToken);

    /// <summary>Removes a claim (and its mark); false when it was gone already.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a claim as reported to the user, so that a job that may still run is reported once, not by every later
    /// job. True when this call made the mark (report now), false when it was there already.
    /// </summary>
    Task<bool> MarkReportedAsync(string id, CancellationToken cancellationToken);
}
