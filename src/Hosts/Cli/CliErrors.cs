using System.CommandLine;
using System.CommandLine.Parsing;
using Blacksmith.Cli.Verbs;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Cli;

/// <summary>
/// How a mistake reaches the user: one line naming the verb, what is wrong and what to do, and the exit code of
/// ADR 0004. The table of which exception means what is here and nowhere else; a stack trace only for a bug, and only
/// when asked for.
/// </summary>
internal static class CliErrors
{
    /// <summary>System.CommandLine could not parse the arguments: its own messages, then where the options are listed.</summary>
    public static int ParseFailed(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var error in parse.Errors)
        {
            Write(parse, error.Message);
        }

        Write(parse, parse.CommandResult.Command is RootCommand
            ? "Run 'blacksmith --help' for the verbs."
            : $"Run '{CommandPath(parse)} --help' for its options.");
        return ExitCodes.BadInput;
    }

    /// <summary>An exception that no verb handled: its exit code, after one line saying what went wrong.</summary>
    public static int Report(Exception exception, ParseResult parse) =>
        Report(exception, parse, Console(parse), OnGitHubActions && Environment.GetEnvironmentVariable("RUNNER_DEBUG") == "1");

    /// <param name="exception">What reached Main.</param>
    /// <param name="parse">The command line, for the verb's name and --verbose.</param>
    /// <param name="channel">Where error lines go, and in which form.</param>
    /// <param name="debug">Whether the CI asked for debug output (a trace then comes without --verbose).</param>
    internal static int Report(Exception exception, ParseResult parse, ErrorChannel channel, bool debug)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(channel);
        var (code, message) = Classify(exception);
        channel.WriteLine($"{CommandPath(parse)}: {message}");
        if (code == ExitCodes.InternalError && (parse.GetValue(CommonOptions.Verbose) || debug))
        {
            channel.Writer.WriteLine(exception.ToString());
        }

        return code;
    }

    /// <summary>Writes one error line for the verb being run: on standard error, or as an error annotation on GitHub Actions.</summary>
    public static void Write(ParseResult parse, string message)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(message);
        Console(parse).WriteLine($"{CommandPath(parse)}: {message}");
    }

    private static bool OnGitHubActions => Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true";

    // Everything goes to stdout on GitHub Actions (docs/ci.md), where an annotation is what the run's page shows.
    private static ErrorChannel Console(ParseResult parse) => OnGitHubActions
        ? new ErrorChannel(parse.InvocationConfiguration.Output, Annotate: true)
        : new ErrorChannel(parse.InvocationConfiguration.Error, Annotate: false);

    private static (int Code, string Message) Classify(Exception exception) => exception switch
    {
        // Bad input: the user can fix the call.
        JobDirectoryException or CiInputException => (ExitCodes.BadInput, exception.Message),

        // The job's own files cannot be trusted or used: the job failed, and retrying the same call will not help.
        JournalFormatException => (ExitCodes.Failed,
            $"The job's journal has a malformed line, so the job's record cannot be trusted: {exception.Message.TrimEnd('.')}. "
            + "Repair or remove that line, or give the job a new job directory."),
        CiRuntimeException or ExternalCallException => (ExitCodes.Failed, exception.Message),

        // The environment refused a file operation (permissions, a full disk, a path that is a file).
        IOException or UnauthorizedAccessException => (ExitCodes.Failed,
            $"{exception.Message} Check that path's permissions and free space, then run this again."),

        OperationCanceledException => (ExitCodes.Cancelled, "cancelled."),

        _ => (ExitCodes.InternalError,
            $"internal error, a bug in blacksmith: {exception.GetType().Name}: {exception.Message} "
            + "Please report it, with the output of the same command run with --verbose (which adds the stack trace)."),
    };

    /// <summary><c>blacksmith store gc</c>: the verb as typed, for messages.</summary>
    internal static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            if (result is CommandResult command)
            {
                names.Add(command.Command is RootCommand ? "blacksmith" : command.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
