using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>The leftover sweep's log messages.</summary>
internal static partial class LeftoversLog
{
    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void Cleaned(ILogger logger, string summary);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Warning, Message = "{Summary}. Its claim is kept, so the next job tries again.")]
    public static partial void CleanedPartly(ILogger logger, string summary);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "The job of {JobDirectory} still runs (owner {Command} pid {Pid}); its claim is left alone")]
    public static partial void OwnerAlive(ILogger logger, string jobDirectory, string? command, int pid);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Leftovers: {Problem}")]
    public static partial void Problem(ILogger logger, string problem);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Debug, Message = "Removed the claim of {JobDirectory}, written before this machine's last boot")]
    public static partial void EarlierBoot(ILogger logger, string jobDirectory);
}
