using System.Globalization;
using System.Text.Json;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// One scripted answer to a port call, keyed by <c>port.method</c> as the recording decorators journal it: what the
/// call returns or how it fails, how much virtual time it takes, and what it does to the world after it.
/// </summary>
public sealed record ScriptedAnswer
{
    /// <summary>The call it answers, <c>port.method</c> (see <see cref="Orchestration.Recording.PortCalls"/>).</summary>
    public required string Call { get; init; }

    public ScriptedReply Reply { get; init; } = ScriptedReply.Returns;

    /// <summary>The returned value as JSON (effect-record form), for <see cref="ScriptedReply.Returns"/> of a method that returns one.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>The error kind, for <see cref="ScriptedReply.Fails"/>.</summary>
    public ExternalErrorKind ErrorKind { get; init; } = ExternalErrorKind.Failed;

    /// <summary>The error message, for <see cref="ScriptedReply.Fails"/> and <see cref="ScriptedReply.Crashes"/>.</summary>
    public string? Message { get; init; }

    /// <summary>The operation a failure names (the message's prefix); null for the call itself. A recording keeps the adapter's own.</summary>
    public string? Operation { get; init; }

    /// <summary>The exit code a failure reports (a tool that exited non-zero); a recording keeps the adapter's own.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Virtual time the call takes before it answers; a deadline that passes meanwhile cancels it.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>How many calls it answers; null for every call that comes (it is never used up); 0 to say the call must not be made.</summary>
    public int? Times { get; init; } = 1;

    /// <summary>The daemon dies right after this call: later probes see it exited, signals find it gone.</summary>
    public bool DaemonDies { get; init; }

    /// <summary>The host process is killed right after this call (once its effect is journaled), as by SIGKILL.</summary>
    public bool KillsHost { get; init; }

    /// <summary>When set, only a call made on behalf of this session may take the answer.</summary>
    public string? Session { get; init; }

    /// <summary>Where the answer was scripted (file and JSON path), for reports.</summary>
    public string? Origin { get; init; }

    /// <summary>The answer in a few words, e.g. <c>stickydisk.expose -> error Unavailable (x2)</c>.</summary>
    public string Describe()
    {
        var what = Reply switch
        {
            ScriptedReply.Returns when Value is { } value => $"returns {Abbreviate(value.GetRawText())}",
            ScriptedReply.Returns => "succeeds",
            ScriptedReply.Fails => $"error {ErrorKind}" + (Message is null ? string.Empty : $" \"{Abbreviate(Message)}\""),
            ScriptedReply.Hangs => "hangs until cancelled",
            _ => $"crashes \"{Abbreviate(Message ?? string.Empty)}\"",
        };
        var extras = new List<string>();
        if (Times is null)
        {
            extras.Add("always");
        }
        else if (Times > 1)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"x{Times}"));
        }

        if (Delay > TimeSpan.Zero)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"after {Delay.TotalMilliseconds:0} ms"));
        }

        if (DaemonDies)
        {
            extras.Add("then the daemon dies");
        }

        if (KillsHost)
        {
            extras.Add("then the host is killed");
        }

        if (Session is not null)
        {
            extras.Add($"session {Session}");
        }

        return $"{Call} {what}" + (extras.Count == 0 ? string.Empty : $" ({string.Join(", ", extras)})") + (Origin is null ? string.Empty : $" [{Origin}]");
    }

    private static string Abbreviate(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
