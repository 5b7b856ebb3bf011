using Blacksmith.Infrastructure.Ci;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Blacksmith.Infrastructure.Logging;

/// <summary>
/// Log events as plain CI logs show them (GitLab, Buildkite, a shell): <c>[LVL] message</c>. A warning or an error is one
/// line (<see cref="OneLine"/>), whatever its message quotes, so that a tool's multi-line error or a log's tail cannot
/// print lines that read as the log's own. Information and debug lines (tool output relayed line by line) are written as
/// they are.
/// </summary>
/// <param name="secrets">Secrets to replace by <c>***</c> before anything is written; null for none.</param>
public sealed class PlainLogTextFormatter(SecretMasker? secrets = null) : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _level = new("[{Level:u3}] ");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        var text = LogEventText.Render(logEvent, secrets);

        _level.Format(logEvent, output);
        output.Write(logEvent.Level >= LogEventLevel.Warning ? OneLine.Escape(text) : text);
        output.Write('\n');
    }
}
