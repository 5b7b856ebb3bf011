using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Blacksmith.Hosting;

/// <summary>
/// Serilog, configured only here: human lines on stderr for the CI log, and a compact JSON log next to the journal.
/// Console lines carry a level prefix so that no tool output we relay can start with "::" and become a workflow
/// command.
/// </summary>
public static class BlacksmithLogging
{
    public const string LogFileName = "blacksmith.log.jsonl";

    public static ILogger Create(string? jobDirectory, bool verbose)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Console(
                outputTemplate: "[{Level:u3}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose);
        if (jobDirectory is not null)
        {
            configuration = configuration.WriteTo.File(new CompactJsonFormatter(), Path.Combine(jobDirectory, LogFileName), LogEventLevel.Debug);
        }

        return configuration.CreateLogger();
    }
}
