using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// This job's claim, kept as the pipeline projects it. The first write names the job's owner, the boot and the time;
/// later writes (from any of the job's processes) keep those and replace what the job holds. A claim that cannot be
/// written is a warning: the job goes on, and only a later cleanup after it would know less.
/// </summary>
public sealed partial class JobClaimFile(JobClaims claims, string jobDirectory, IMachineFacts machine, TimeProvider time, ILogger<JobClaimFile> logger) : IJobClaim
{
    public ValueTask UpdateAsync(JobHoldings? holdings, CancellationToken cancellationToken)
    {
        try
        {
            if (holdings is null)
            {
                _ = claims.DeleteFile(claims.PathOf(jobDirectory));
                return ValueTask.CompletedTask;
            }

            var claim = claims.Read(jobDirectory) is { } earlier
                ? earlier with { Holdings = holdings }
                : new JobClaim(Path.GetFullPath(jobDirectory), JobOwner.Find(Environment.ProcessId), machine.BootId, time.GetUtcNow(), holdings);
            claims.Write(claim);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNotWritten(logger, claims.Directory, ex.Message);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "Could not record what this job holds in {Directory} ({Reason}): if this job is killed before its post step, a later job on this machine cannot clean up after it")]
    private static partial void LogNotWritten(ILogger logger, string directory, string reason);
}
