using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Blacksmith.Infrastructure.Tests.Logging;

/// <summary>The log lines of a plain CI (GitLab, Buildkite, a shell): a warning or an error is one line, whatever it quotes.</summary>
public sealed class PlainLogTextFormatterTests
{
    [Fact]
    public void A_warning_that_quotes_several_lines_is_one_line()
    {
        var text = Render(new PlainLogTextFormatter(), LogEventLevel.Warning, "{Tool} failed: {Error}", "buildctl", "dial unix: refused\nError: not ours\e[2K");

        Assert.Equal("[WRN] buildctl failed: dial unix: refused\\nError: not ours\\u001B[2K\n", text);
    }

    [Fact]
    public void Information_is_written_as_it_is()
    {
        Assert.Equal("[INF] #1 [internal] load build definition\n", Render(new PlainLogTextFormatter(), LogEventLevel.Information, "#1 [internal] load build definition"));
    }

    [Fact]
    public void Secrets_are_redacted_before_the_line_is_escaped()
    {
        var secrets = new SecretMasker();
        secrets.Add("s3cr3t-value");

        var text = Render(new PlainLogTextFormatter(secrets), LogEventLevel.Error, "token {Token}\nrefused", "s3cr3t-value");

        Assert.Equal("[ERR] token ***\\nrefused\n", text);
    }

    private static string Render(PlainLogTextFormatter formatter, LogEventLevel level, string template, params object?[] values)
    {
        var sink = new CapturingSink();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
        {
            logger.Write(level, template, values);
        }

        using var output = new StringWriter();
        formatter.Format(Assert.Single(sink.Events), output);
        return output.ToString();
    }

    private sealed class CapturingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
