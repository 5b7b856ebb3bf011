namespace Blacksmith.Doubles.Docker;

/// <summary>
/// A command-line error the docker CLI prints as it is, without <c>ERROR:</c>: flag errors (exit 125) and argument
/// count errors (exit 1), each followed by <c>See '&lt;command&gt; --help'.</c>
/// </summary>
internal sealed class UsageException(string status, int exitCode) : Exception(status)
{
    public const int FlagError = 125;

    public int ExitCode { get; } = exitCode;
}
