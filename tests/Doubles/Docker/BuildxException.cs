namespace Blacksmith.Doubles.Docker;

/// <summary>An error buildx reports as <c>ERROR: message</c> on stderr, exiting with <see cref="ExitCode"/>.</summary>
internal sealed class BuildxException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
