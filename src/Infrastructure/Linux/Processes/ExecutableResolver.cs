namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Finds a tool the way a shell would, before anything is started: so that a missing tool is reported by name together
/// with the PATH that was searched, and so that <c>sudo</c> is handed an absolute path (its <c>secure_path</c> may not
/// contain the directory the user's PATH found the tool in).
/// </summary>
public static class ExecutableResolver
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>This process's PATH.</summary>
    public static string CurrentSearchPath => Environment.GetEnvironmentVariable("PATH") ?? string.Empty;

    /// <summary>
    /// The absolute path of <paramref name="tool"/>: itself when it contains a '/', else the first executable file of
    /// that name in <paramref name="searchPath"/> (this process's PATH when null). Null when there is none.
    /// </summary>
    public static string? Resolve(string tool, string? searchPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        if (tool.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(tool);
            return IsExecutableFile(full) ? full : null;
        }

        // Empty PATH entries mean "the current directory" to a shell; a privileged runner must not pick up a tool from
        // wherever it happens to be started, so they are skipped.
        foreach (var directory in (searchPath ?? CurrentSearchPath).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathFullyQualified(directory))
            {
                continue;
            }

            var candidate = Path.Combine(directory, tool);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && (OperatingSystem.IsWindows() || (info.UnixFileMode & AnyExecute) != 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
