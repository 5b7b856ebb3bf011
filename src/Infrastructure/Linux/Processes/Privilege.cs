using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Runs commands that need root (ADR 0003): as they are when this process is root, else through <c>sudo -n</c>
/// (never prompting: a missing sudo rule fails at once). The tool is resolved to an absolute path first, so sudo's
/// <c>secure_path</c> cannot pick a different one, and the call's environment variables are named in
/// <c>--preserve-env=</c> because sudo resets the environment (values never appear on the command line).
/// </summary>
public sealed class Privilege
{
    public Privilege(bool isRoot, string? searchPath = null)
    {
        IsRoot = isRoot;
        SearchPath = searchPath;
    }

    /// <summary>For this process: root when the effective uid is 0.</summary>
    public static Privilege Current { get; } = new(OperatingSystem.IsLinux() && Libc.GetEffectiveUserId() == 0);

    public bool IsRoot { get; }

    /// <summary>Where to find <c>sudo</c> and the tools; this process's PATH when null.</summary>
    public string? SearchPath { get; }

    /// <summary>
    /// The command to run for <paramref name="command"/> with root rights: the same command with the tool's absolute path
    /// when root, else <c>sudo -n [--preserve-env=NAMES] -- /abs/tool args…</c> under the original command's name.
    /// </summary>
    /// <exception cref="ExternalCallException">The tool, or sudo when it is needed, is not installed (<see cref="ExternalErrorKind.Missing"/>).</exception>
    public ProcessCommand Elevate(ProcessCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var searchPath = command.SearchPath ?? SearchPath;
        var tool = Require(command.Tool, command.Name, searchPath);
        if (IsRoot)
        {
            return command with { Tool = tool, SearchPath = searchPath };
        }

        var (sudo, arguments) = ElevateArgv(tool, command.Arguments, command.Environment?.Keys ?? [], command.Name, searchPath);
        return command with { Tool = sudo, Arguments = arguments, SearchPath = searchPath, Elevated = true };
    }

    /// <summary>
    /// The argument vector that runs the already resolved <paramref name="tool"/> as root, for callers that start the
    /// process themselves (the detached daemon). Returns the program to execute and its arguments (without argv[0]).
    /// </summary>
    public (string Program, IReadOnlyList<string> Arguments) ElevateArgv(
        string tool,
        IReadOnlyList<string> arguments,
        IEnumerable<string> preservedVariables,
        string? name = null,
        string? searchPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(preservedVariables);
        if (IsRoot)
        {
            return (tool, arguments);
        }

        var sudo = ExecutableResolver.Resolve("sudo", searchPath ?? SearchPath) ?? throw new ExternalCallException(
            name ?? Path.GetFileName(tool),
            ExternalErrorKind.Missing,
            $"{Path.GetFileName(tool)} needs root and this process is not root, but sudo was not found on PATH ({searchPath ?? SearchPath ?? ExecutableResolver.CurrentSearchPath}).");

        var argv = new List<string> { "-n" };
        var names = preservedVariables.Where(n => !string.IsNullOrEmpty(n)).Order(StringComparer.Ordinal).ToList();
        if (names.Count > 0)
        {
            // Names only: sudo copies the values from its own environment, so no value is ever on a command line.
            argv.Add("--preserve-env=" + string.Join(',', names));
        }

        // "--" ends sudo's options, so a tool path or argument starting with '-' is never read as one.
        argv.Add("--");
        argv.Add(tool);
        argv.AddRange(arguments);
        return (sudo, argv);
    }

    /// <summary>The absolute path of <paramref name="tool"/>, or <see cref="ExternalErrorKind.Missing"/>.</summary>
    public static string Require(string tool, string? name = null, string? searchPath = null) =>
        ExecutableResolver.Resolve(tool, searchPath) ?? throw new ExternalCallException(
            name ?? Path.GetFileName(tool),
            ExternalErrorKind.Missing,
            $"'{tool}' is not installed: it was not found on PATH ({searchPath ?? ExecutableResolver.CurrentSearchPath}).");
}
