namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>How one run of a host process ended.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
}
