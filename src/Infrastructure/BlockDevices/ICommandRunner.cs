namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// Runs one external command and collects its output. A stand-in for the shared process runner in
/// <c>Blacksmith.Infrastructure.Processes</c>, which the block-device adapter should switch to once it exists.
/// </summary>
internal interface ICommandRunner
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> as an argument vector (no shell) and returns
    /// once it has exited, whatever its exit code.
    /// </summary>
    /// <exception cref="FileNotFoundException">The executable is not installed (not found on PATH).</exception>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> and was killed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled; the command was killed.</exception>
    Task<CommandResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken);
}
