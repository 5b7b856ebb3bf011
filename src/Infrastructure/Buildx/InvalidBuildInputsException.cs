namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// The inputs cannot become a buildx command line (a flag the installed buildx does not have, no context to build,
/// an unparsable switch). The message says which input and what was expected, and never holds a secret value.
/// </summary>
public sealed class InvalidBuildInputsException : Exception
{
    public InvalidBuildInputsException(string message)
        : base(message)
    {
    }
}
