namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>How one step process ended: its exit code, what it printed, and which signals the runner sent it.</summary>
/// <param name="ExitCode">The exit code (128+n when it died of signal n).</param>
/// <param name="Output">Stdout.</param>
/// <param name="Errors">Stderr.</param>
/// <param name="Lines">Stdout and stderr lines in the order they arrived, as the runner's log shows them.</param>
/// <param name="Signals">SIGINT, SIGTERM, SIGKILL: what the runner sent, in order.</param>
internal sealed record StepRun(int ExitCode, string Output, string Errors, IReadOnlyList<string> Lines, IReadOnlyList<string> Signals);
