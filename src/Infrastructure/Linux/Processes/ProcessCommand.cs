using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// One tool invocation: an executable and its argument vector, never a shell string, so nothing in an argument is
/// ever parsed by a shell.
/// </summary>
/// <param name="Tool">A name looked up on the search path, or a path.</param>
/// <param name="Arguments">Passed to the tool as they are, one argv entry each.</param>
public sealed record ProcessCommand(string Tool, IReadOnlyList<string> Arguments)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>What the outcome, the log and errors call the command (the tool's name, also when run through sudo).</summary>
    public string Name { get; init; } = System.IO.Path.GetFileName(Tool);

    /// <summary>
    /// Variables added to (or replacing) the inherited environment for this call only. Secrets travel here or in 0600
    /// files, never in <see cref="Arguments"/>, which every user on the machine can read in /proc.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The PATH to find <see cref="Tool"/> on; this process's PATH when null.</summary>
    public string? SearchPath { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>After this long the whole process tree is killed and the outcome says it timed out.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The level the tool's output lines are logged at (Debug for chatty probes).</summary>
    public LogLevel OutputLevel { get; init; } = LogLevel.Information;

    /// <summary>How many characters of standard output the outcome keeps (the last ones).</summary>
    public int OutputCaptureLimit { get; init; } = 64 * 1024;

    /// <summary>
    /// Set by <see cref="Privilege"/> when the command runs through sudo: the runner then asks sudo to stop the
    /// command (a signal sudo relays) before killing, because a user cannot kill the root process sudo started.
    /// </summary>
    public bool Elevated { get; init; }
}
