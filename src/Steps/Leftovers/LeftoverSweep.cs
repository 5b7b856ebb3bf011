using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Steps.Leftovers;

/// <summary>
/// Cleans up after earlier jobs of this machine that ended without their post step: for each claim but this job's own,
/// on positive evidence that its job is over (<see cref="JobEnd"/>), releases what it names (<see cref="ClaimCleanup"/>)
/// and retires the claim. A job that may still run is left alone and reported once. Runs before setup, because setup
/// attaches to any daemon that answers at the job's address. Nothing here fails setup: problems come back as words.
/// </summary>
/// <remarks>
/// Each cleanup is journaled as one <c>leftovers.clean</c> effect of this job: it is not this job's lifecycle, and a
/// replay of this job skips it. A claim is removed only after its cleanup completed; right after is a kill point
/// (<c>cleanup:claimRemoved</c>, <see cref="IFailpoints"/>).
/// </remarks>
internal partial class LeftoverSweep(
    IClaimRegistry claims,
    IMachineFacts machine,
    ClaimCleanup cleanup,
    IEffectRecorder recorder,
    TimeProvider time,
    ILogger<LeftoverSweep> logger,
    LeftoverOptions? options = null,
    IFailpoints? failpoints = null) : IJobSweep
{
    /// <summary>The port name of the journaled cleanups.</summary>
    public const string Port = "leftovers";

    private readonly LeftoverOptions _options = options ?? new LeftoverOptions();
    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    /// <summary>Cleans up after every earlier job of this machine that is over, except <paramref name="jobDirectory"/>'s own.</summary>
    /// <returns>What was done, one entry per earlier job that needed it.</returns>
    public async Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        var listing = await ListAsync(cancellationToken);
        var over = new List<(StoredClaim Stored, JobClaim Claim, string Why)>();
        // Roots of jobs that may still run (this one included): never unmounted on another claim's word.
        var protectedRoots = new HashSet<string>(StringComparer.Ordinal);
        var boot = machine.BootId;
        var now = time.GetUtcNow();
        foreach (var stored in listing)
        {
            if (stored.Claim is not { } claim)
            {
                LogProblem(logger, $"{stored.Id} is not a claim and is left alone: {stored.Problem}");
                continue;
            }

            if (SameDirectory(claim.JobDirectory, jobDirectory))
            {
                Protect(protectedRoots, claim);
                continue;
            }

            var verdict = Judge(claim, boot, now);
            if (verdict.Over)
            {
                over.Add((stored, claim, verdict.Why));
                continue;
            }

            Protect(protectedRoots, claim);
            if (!claim.Holdings.IsEmpty && await claims.MarkReportedAsync(stored.Id, cancellationToken))
            {
                var holdings = string.Join(", ", claim.Holdings.Describe());
                LogStillRunning(logger, claim.JobDirectory, holdings, verdict.Why);
            }
        }

        var cleanups = new List<LeftoverCleanup>();
        foreach (var (stored, claim, why) in over)
        {
            cleanups.Add(await RetireAsync(stored, claim, why, protectedRoots, cancellationToken));
        }

        return cleanups;
    }

    /// <summary>Every claim of the machine with the sweep's verdict on it, touching nothing (<c>blacksmith leftovers</c>).</summary>
    public async Task<IReadOnlyList<ClaimReview>> ReviewAsync(CancellationToken cancellationToken)
    {
        var boot = machine.BootId;
        var now = time.GetUtcNow();
        return [.. (await ListAsync(cancellationToken)).Select(stored => new ClaimReview(stored, stored.Claim is { } claim ? Judge(claim, boot, now) : null))];
    }

    /// <summary>
    /// Cleans up after the job of <paramref name="jobDirectory"/> now, without evidence that it is over: an administrator
    /// asked for it by name, or the job's own post found its journal unusable. Null when that job has no claim.
    /// </summary>
    public async Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        if (await claims.FindAsync(jobDirectory, cancellationToken) is not { Claim: { } claim } stored)
        {
            return null;
        }

        var protectedRoots = new HashSet<string>(StringComparer.Ordinal);
        var boot = machine.BootId;
        var now = time.GetUtcNow();
        foreach (var other in await ListAsync(cancellationToken))
        {
            if (other.Claim is { } running && !SameDirectory(running.JobDirectory, jobDirectory)
                && !Judge(running, boot, now).Over)
            {
                Protect(protectedRoots, running);
            }
        }

        return await RetireAsync(stored, claim, why, protectedRoots, cancellationToken);
    }

    private JobEndVerdict Judge(JobClaim claim, string boot, DateTimeOffset now) =>
        JobEnd.Judge(claim, boot, claim.Owner is { } owner && machine.IsRunning(owner), now, _options.MaxJobDuration);

    private async Task<LeftoverCleanup> RetireAsync(StoredClaim stored, JobClaim claim, string why, IReadOnlySet<string> protectedRoots, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        LeftoverCleanup result;
        try
        {
            result = await cleanup.CleanAsync(claim, why, protectedRoots, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another job's leftovers must never cost this job its setup: an adapter's bug becomes a problem that keeps the
            // claim (so a later cleanup tries again) and an error in the log, not a crashed setup.
            result = new LeftoverCleanup(claim.JobDirectory, why, [], [$"the cleanup failed with a bug ({ex.GetType().Name}: {ex.Message})"], []);
        }

        var summary = result.Describe();
        if (result.Complete)
        {
            await claims.DeleteAsync(stored.Id, cancellationToken);
            _failpoints?.Reached("cleanup:claimRemoved");
            LogCleaned(logger, summary);
        }
        else
        {
            // Said only of a claim that is there: the job's own post may have removed it meanwhile.
            result = result with { ClaimKept = await claims.FindAsync(claim.JobDirectory, cancellationToken) is not null };
            if (result.ClaimKept)
            {
                LogCleanedPartly(logger, summary);
            }
            else
            {
                LogCleanedPartlyClaimGone(logger, summary);
            }
        }

        await RecordAsync(claim, result, started);
        return result;
    }

    private async Task<IReadOnlyList<StoredClaim>> ListAsync(CancellationToken cancellationToken)
    {
        var listing = await claims.ListAsync(cancellationToken);
        if (listing.Untrusted is { } untrusted)
        {
            LogProblem(logger, $"the claims in {claims.Location} are not acted on: {untrusted}");
        }

        return listing.Claims;
    }

    private async Task RecordAsync(JobClaim claim, LeftoverCleanup result, long started)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["jobDirectory"] = claim.JobDirectory,
            ["root"] = claim.Holdings.Root ?? string.Empty,
            ["why"] = result.Why,
            ["actions"] = string.Join(", ", result.Actions),
        };
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var effect = result.Complete
            ? new EffectRecord(Port, "clean", arguments, EffectOutcome.Succeeded, elapsed)
            : new EffectRecord(Port, "clean", arguments, EffectOutcome.Failed, elapsed, ErrorKind: nameof(ExternalErrorKind.Failed), Message: string.Join("; ", result.Problems));
        await recorder.RecordAsync(effect, CancellationToken.None);
    }

    private static void Protect(HashSet<string> roots, JobClaim claim)
    {
        if ((claim.Holdings.MountPoint ?? claim.Holdings.Root) is { } root)
        {
            roots.Add(root);
        }
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void LogCleaned(ILogger logger, string summary);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "{Summary}. Its claim is kept, so a later cleanup tries again.")]
    private static partial void LogCleanedPartly(ILogger logger, string summary);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Warning, Message = "{Summary}. Its claim is gone already (its job's own post removed it), so no later cleanup will try again.")]
    private static partial void LogCleanedPartlyClaimGone(ILogger logger, string summary);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "Another job on this machine ({JobDirectory}) holds {Holdings}; it is left alone, since {Why}. A job that ended without its post step is cleaned up after a reboot, once it is older than the maximum job duration, or with `blacksmith leftovers clean --job-dir {JobDirectory}`.")]
    private static partial void LogStillRunning(ILogger logger, string jobDirectory, string holdings, string why);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Leftovers: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
