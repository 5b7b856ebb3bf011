namespace Blacksmith.Infrastructure.Ci;

/// <summary>An input has a value that cannot be used. Hosts report it as bad input (exit code 2).</summary>
public sealed class CiInputException(string inputName, string message) : Exception(message)
{
    /// <summary>The input's name as the action declares it (<c>nofallback</c>, <c>job-status</c> …).</summary>
    public string InputName { get; } = inputName;
}
