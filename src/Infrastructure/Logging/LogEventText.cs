using Blacksmith.Infrastructure.Ci;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Blacksmith.Infrastructure.Logging;

/// <summary>
/// A log event's message and exception as one text, trailing line breaks trimmed and secrets replaced by <c>***</c>:
/// what every CI console formatter writes, each in its own form.
/// </summary>
internal static class LogEventText
{
    // ":lj" writes strings without quotes and structures as JSON, like the plain console template.
    private static readonly MessageTemplateTextFormatter Template = new("{Message:lj}{NewLine}{Exception}");

    public static string Render(LogEvent logEvent, SecretMasker? secrets)
    {
        using var buffer = new StringWriter();
        Template.Format(logEvent, buffer);
        var text = buffer.ToString().TrimEnd('\r', '\n');
        return secrets is null ? text : secrets.Redact(text);
    }
}
