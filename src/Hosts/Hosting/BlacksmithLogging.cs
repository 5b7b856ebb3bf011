using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Blacksmith.Hosting;

/// <summary>
/// Serilog, configured only here: human lines on stderr for the CI log, and a compact JSON log next to the journal.
/// Console lines carry a level prefix so that no tool output we relay can start with "::" and become a workflow
/// command; on GitHub Actions the levels become workflow commands instead (<see cref="GitHubActionsTextFormatter"/>).
/// </summary>
public static class BlacksmithLogging
{
    public const string LogFileName = "blacksmith.log.jsonl";

    public static ILogger Create(string? jobDirectory, bool verbose) => Create(jobDirectory, verbose, CiKind.Generic, secrets: null);

    /// <param name="jobDirectory">Where the JSON log goes; null for none.</param>
    /// <param name="verbose">Whether Debug events are written.</param>
    /// <param name="ci">On <see cref="CiKind.GitHubActions"/>, Debug, Warning and Error become workflow commands.</param>
    /// <param name="secrets">Replaced by <c>***</c> on the console and in the JSON log; share it with the CI runtime.</param>
    public static ILogger Create(string? jobDirectory, bool verbose, CiKind ci, SecretMasker? secrets) =>
        Configure(jobDirectory, verbose, ci, secrets).CreateLogger();

    /// <summary>
    /// The same logger, built when the first event at an enabled level is written (<see cref="DeferredLogger"/>): a step
    /// that logs nothing at its level pays for no pipeline and leaves no empty log file.
    /// </summary>
    internal static DeferredLogger CreateDeferred(string jobDirectory, bool verbose, CiKind ci, SecretMasker? secrets) =>
        new(() => Configure(jobDirectory, verbose, ci, secrets).CreateLogger(), Minimum(verbose));

    private static LogEventLevel Minimum(bool verbose) => verbose ? LogEventLevel.Debug : LogEventLevel.Information;

    private static LoggerConfiguration Configure(string? jobDirectory, bool verbose, CiKind ci, SecretMasker? secrets)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(Minimum(verbose));
        if (ci == CiKind.GitHubActions)
        {
            // One stream: the runner reads stdout and stderr through separate pipes, so log lines on stderr could land
            // outside the ::group:: that the runtime writes on stdout around them.
            configuration = configuration.WriteTo.Console(new GitHubActionsTextFormatter(secrets));
        }
        else
        {
            // A warning or an error stays one line, whatever it quotes (PlainLogTextFormatter).
            configuration = configuration.WriteTo.Console(new PlainLogTextFormatter(secrets), standardErrorFromLevel: LogEventLevel.Verbose);
        }

        if (jobDirectory is not null)
        {
            ITextFormatter json = new CompactJsonFormatter();
            if (secrets is not null)
            {
                secrets.AddEncoder(MaskingTextFormatter.JsonEscape);
                json = new MaskingTextFormatter(json, secrets);
            }

            configuration = configuration.WriteTo.File(json, Path.Combine(jobDirectory, LogFileName), LogEventLevel.Debug);
        }

        return configuration;
    }
}
