using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Logging;
using Blacksmith.Infrastructure.Tests.Ci;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Blacksmith.Infrastructure.Tests.Logging;

public sealed class GitHubActionsTextFormatterTests
{
    [Theory]
    [InlineData(LogEventLevel.Verbose, "::debug::")]
    [InlineData(LogEventLevel.Debug, "::debug::")]
    [InlineData(LogEventLevel.Warning, "::warning::")]
    [InlineData(LogEventLevel.Error, "::error::")]
    [InlineData(LogEventLevel.Fatal, "::error::")]
    public void Levels_become_workflow_commands(LogEventLevel level, string prefix)
    {
        var text = Render(new GitHubActionsTextFormatter(), level, "Builder {Name} is ready", "blacksmith-1");

        Assert.Equal($"{prefix}Builder blacksmith-1 is ready\n", text);
    }

    [Fact]
    public void Information_is_plain_text()
    {
        Assert.Equal("Builder blacksmith-1 is ready\n", Render(new GitHubActionsTextFormatter(), LogEventLevel.Information, "Builder {Name} is ready", "blacksmith-1"));
    }

    [Fact]
    public void A_command_message_is_one_line_with_escaped_data()
    {
        var text = Render(new GitHubActionsTextFormatter(), LogEventLevel.Warning, "{Tool} said: {Line}", "buildx", "50% done\n::error::injected");

        Assert.Equal("::warning::buildx said: 50%25 done%0A::error::injected\n", text);
        Assert.Equal("warning", RunnerCommandParser.Command(text.TrimEnd('\n'), icu: true));
    }

    [Fact]
    public void Information_quoting_tool_output_cannot_inject_a_command_on_any_line()
    {
        var text = Render(new GitHubActionsTextFormatter(), LogEventLevel.Information, "buildx said:\n{Line}", "  ::error file=x::injected\n##[add-mask]y");

        foreach (var line in text.Split('\n'))
        {
            Assert.Null(RunnerCommandParser.Command(line, icu: true));
            Assert.Null(RunnerCommandParser.Command(line, icu: false));
        }
    }

    [Fact]
    public void An_exception_is_part_of_the_commands_data()
    {
        var exception = new InvalidOperationException("first\nsecond");

        var text = Render(new GitHubActionsTextFormatter(), LogEventLevel.Error, "Setup failed", exception: exception);

        Assert.StartsWith("::error::Setup failed%0ASystem.InvalidOperationException: first%0Asecond", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Secrets_are_masked_before_the_line_is_written()
    {
        var secrets = new SecretMasker();
        secrets.Add("ghs_token");

        var text = Render(new GitHubActionsTextFormatter(secrets), LogEventLevel.Error, "auth with {Token} failed", "ghs_token");

        Assert.Equal("::error::auth with *** failed\n", text);
    }

    [Fact]
    public void The_json_log_masks_secrets_in_their_escaped_form()
    {
        var secrets = new SecretMasker();
        secrets.AddEncoder(MaskingTextFormatter.JsonEscape);
        secrets.Add("s3\"cr\\et");

        // JsonFormatter escapes as the compact formatter of the log file does (both through JsonValueFormatter).
        var text = Render(new MaskingTextFormatter(new JsonFormatter(), secrets), LogEventLevel.Information, "login {Password}", "s3\"cr\\et");

        Assert.DoesNotContain("cr", text, StringComparison.Ordinal);
        Assert.Contains("\"Password\":\"***\"", text, StringComparison.Ordinal);
    }

    private static string Render(
        Serilog.Formatting.ITextFormatter formatter,
        LogEventLevel level,
        string template,
        object? first = null,
        object? second = null,
        Exception? exception = null)
    {
        var sink = new CapturingSink();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
        {
            object?[] values = second is not null ? [first, second] : first is not null ? [first] : [];
            logger.Write(level, exception, template, values);
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
