using Blacksmith.Infrastructure.Ci;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace Blacksmith.Infrastructure.Logging;

/// <summary>
/// Replaces registered secrets by <c>***</c> in whatever <paramref name="inner"/> writes: the JSON log file and the
/// plain console of CI systems that mask nothing we register.
/// </summary>
public sealed class MaskingTextFormatter(ITextFormatter inner, SecretMasker secrets) : ITextFormatter
{
    /// <summary>
    /// The form a secret takes inside a JSON string written by Serilog (quotes and backslashes escaped); register it
    /// with <see cref="SecretMasker.AddEncoder"/> when masking JSON output.
    /// </summary>
    public static string JsonEscape(string value)
    {
        using var writer = new StringWriter();
        JsonValueFormatter.WriteQuotedJsonString(value, writer);
        var quoted = writer.ToString();
        return quoted[1..^1];
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (secrets.IsEmpty)
        {
            inner.Format(logEvent, output);
            return;
        }

        using var buffer = new StringWriter();
        inner.Format(logEvent, buffer);
        output.Write(secrets.Redact(buffer.ToString()));
    }
}
