using System.CommandLine;
using Blacksmith.Cli;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Hosts.Tests.Cli;

/// <summary>The one table of what an exception that reaches blacksmith's Main means: its exit code and its one line.</summary>
public sealed class CliErrorsTests : IDisposable
{
    private readonly StringWriter _error = new();

    public void Dispose() => _error.Dispose();

    [Fact]
    public void An_unexpected_exception_is_a_bug_exit_70_in_one_line_that_says_so_and_how_to_get_the_trace()
    {
        var code = Report(new InvalidOperationException("the impossible happened"), "status");

        Assert.Equal(ExitCodes.InternalError, code);
        Assert.Equal(
            ["blacksmith status: internal error, a bug in blacksmith: InvalidOperationException: the impossible happened "
            + "Please report it, with the output of the same command run with --verbose (which adds the stack trace)."],
            Lines());
    }

    [Fact]
    public void With_verbose_a_bug_also_prints_its_stack_trace()
    {
        var code = Report(Thrown(new InvalidOperationException("the impossible happened")), "status", "--verbose");

        Assert.Equal(ExitCodes.InternalError, code);
        Assert.Contains("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_mistake_never_prints_a_trace_even_with_verbose()
    {
        var code = Report(Thrown(new JobDirectoryException("--job-dir must be an absolute path")), "status", "--verbose");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(["blacksmith status: --job-dir must be an absolute path"], Lines());
    }

    [Fact]
    public void A_file_the_environment_refuses_is_a_failure_not_a_bug()
    {
        var code = Report(new UnauthorizedAccessException("Access to the path '/x' is denied."), "store", "ls");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.StartsWith("blacksmith store ls: Access to the path '/x' is denied.", Assert.Single(Lines()), StringComparison.Ordinal);
    }

    [Fact]
    public void On_GitHub_Actions_the_line_is_an_error_annotation()
    {
        using var output = new StringWriter();
        var parse = BlacksmithCommandLine.Create().Parse(["post"]);

        var code = CliErrors.Report(new JobDirectoryException("no job directory\nsecond line"), parse, new ErrorChannel(output, Annotate: true), debug: false);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("::error::blacksmith post: no job directory second line" + Environment.NewLine, output.ToString());
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception ex) when (ex == exception)
        {
            return ex;
        }
    }

    private int Report(Exception exception, params string[] arguments)
    {
        var parse = BlacksmithCommandLine.Create().Parse(arguments);
        Assert.Empty(parse.Errors);
        return CliErrors.Report(exception, parse, new ErrorChannel(_error, Annotate: false), debug: false);
    }

    private string[] Lines() => _error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
