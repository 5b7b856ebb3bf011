using System.CommandLine;
using System.Net.Sockets;
using Blacksmith.Agent.Configuration;
using Blacksmith.Orchestration.Ports;
using Microsoft.AspNetCore.Connections;

namespace Blacksmith.Agent;

/// <summary>
/// How the agent's mistakes reach the operator: one line on standard error saying what is wrong and what to do, and
/// the exit codes of ADR 0004. The table of which exception means what is here and nowhere else.
/// </summary>
internal static class AgentErrors
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int InternalError = 70;

    /// <summary>System.CommandLine could not parse the arguments: its own messages, then where the options are listed.</summary>
    public static int ParseFailed(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var error in parse.Errors)
        {
            Write(parse, error.Message);
        }

        Write(parse, "Run 'blacksmith-agent --help' for its options.");
        return BadInput;
    }

    /// <summary>An exception that reached Main: its exit code, after one line saying what went wrong.</summary>
    public static int Report(Exception exception, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(parse);
        var (code, message) = Classify(exception, parse);
        Write(parse, message);
        if (code == InternalError && parse.GetValue<bool>("--verbose"))
        {
            parse.InvocationConfiguration.Error.WriteLine(exception.ToString());
        }

        return code;
    }

    private static string Listen(ParseResult parse) =>
        parse.GetValue<string[]>("--listen") is { Length: > 0 } flags
            ? string.Join(", ", flags)
            : Environment.GetEnvironmentVariable(AgentCommandLine.ListenVariable) ?? ListenEndpoint.Default.ToString();

    private static void Write(ParseResult parse, string message) =>
        parse.InvocationConfiguration.Error.WriteLine($"blacksmith-agent: {message.ReplaceLineEndings(" ")}");

    private static (int Code, string Message) Classify(Exception exception, ParseResult parse) => exception switch
    {
        AgentConfigurationException => (BadInput, exception.Message),

        // Kestrel's own messages name the address; the stack trace would only bury them.
        IOException { InnerException: AddressInUseException } => (Failed,
            $"{exception.Message} Another agent (or another program) listens there; stop it or choose another --listen."),
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => (BadInput,
            $"cannot listen on {Listen(parse)}: this machine has no such address ({exception.Message}). Choose one of its own addresses "
            + "(ip address lists them), or 127.0.0.1, with --listen."),
        SocketException => (Failed, $"cannot listen on {Listen(parse)}: {exception.Message}."),

        ExternalCallException => (Failed, $"cannot open the store: {exception.Message}"),
        IOException or UnauthorizedAccessException => (Failed,
            $"{exception.Message} Check that path's permissions and free space, then start the agent again."),

        _ => (InternalError,
            $"internal error, a bug in blacksmith-agent: {exception.GetType().Name}: {exception.Message} "
            + "Please report it, with the output of the same command run with --verbose (which adds the stack trace)."),
    };
}
