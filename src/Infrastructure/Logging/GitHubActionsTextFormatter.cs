using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Processes;
using Serilog.Events;
using Serilog.Formatting;

namespace Blacksmith.Infrastructure.Logging;

/// <summary>
/// Log events as the GitHub Actions runner shows them best: Debug (and Verbose) as <c>::debug::</c> (shown only with
/// step debug logging), Warning as <c>::warning::</c> and Error (and Fatal) as <c>::error::</c> annotations, and
/// Information as plain text that cannot act as a workflow command. One event is one line: the message and any
/// exception are escaped into the command's data, so a quoted tool line cannot start a command of its own.
/// </summary>
/// <remarks>
/// Annotations are capped by the runner (10 warnings and 10 errors per step), so warnings and errors are for what the
/// user must see, not for chatter.
/// </remarks>
/// <param name="secrets">Secrets to replace by <c>***</c> before anything is written; null for none.</param>
public sealed class GitHubActionsTextFormatter(SecretMasker? secrets = null) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        var text = LogEventText.Render(logEvent, secrets);

        output.Write(logEvent.Level switch
        {
            LogEventLevel.Verbose or LogEventLevel.Debug => WorkflowCommands.Format("debug", text),
            LogEventLevel.Information => WorkflowCommandGuard.Neutralise(text),
            LogEventLevel.Warning => WorkflowCommands.Format("warning", text),
            _ => WorkflowCommands.Format("error", text),
        });
        output.Write('\n');
    }
}
