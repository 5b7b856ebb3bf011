using System.Globalization;
using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// Where the runner keeps its trace: <c>&lt;runner root&gt;/_diag</c>, the root being the parent of the directory that
/// holds <c>Runner.Worker</c> (protocols §5.1). The work folder does not tell it in general (<c>--work</c> may be
/// anywhere, hosted images keep the runner apart from the workspace), but the Worker is one of our ancestors: it
/// started the node process that started us.
/// </summary>
public static class RunnerDiagDirectory
{
    /// <summary>Set to a <c>_diag</c> directory to skip the search (runners with an unusual layout).</summary>
    public const string OverrideVariable = "BLACKSMITH_RUNNER_DIAG_DIR";

    private const string WorkerName = "Runner.Worker";
    private const int MaxAncestors = 64;

    /// <summary>
    /// In order: <c>BLACKSMITH_RUNNER_DIAG_DIR</c>; <c>_diag</c> next to the bin directory of the <c>Runner.Worker</c>
    /// among the ancestors of <paramref name="pid"/>; <c>_diag</c> under the root of a default work folder
    /// (<c>&lt;root&gt;/_work</c>) found in <c>RUNNER_TEMP</c>, <c>GITHUB_WORKSPACE</c> or <c>RUNNER_WORKSPACE</c>.
    /// </summary>
    public static IReadOnlyList<string> Candidates(IEnvironmentReader environment, int pid)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var candidates = new List<string>();
        if (environment.Read(OverrideVariable) is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (FindRunnerRoot(pid, ReadProcess) is { } root)
        {
            candidates.Add(Path.Combine(root, "_diag"));
        }

        foreach (var variable in (string[])["RUNNER_TEMP", "GITHUB_WORKSPACE", "RUNNER_WORKSPACE"])
        {
            if (environment.Read(variable) is { Length: > 0 } path && RootOfDefaultWorkFolder(path) is { } workRoot)
            {
                candidates.Add(Path.Combine(workRoot, "_diag"));
            }
        }

        return candidates.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The root of the runner whose Worker is <paramref name="pid"/> or one of its ancestors; null when none is.</summary>
    internal static string? FindRunnerRoot(int pid, Func<int, AncestorProcess?> read)
    {
        for (var depth = 0; depth < MaxAncestors && pid > 1; depth++)
        {
            if (read(pid) is not { } process)
            {
                return null;
            }

            if (WorkerPath(process) is { } worker && Path.GetDirectoryName(Path.GetDirectoryName(worker)) is { Length: > 0 } root)
            {
                return root;
            }

            pid = process.ParentPid;
        }

        return null;
    }

    /// <summary>The prefix before <c>/_work/</c>: the runner's default work folder sits in its root.</summary>
    internal static string? RootOfDefaultWorkFolder(string path)
    {
        var index = path.IndexOf("/_work/", StringComparison.Ordinal);
        if (index < 0 && path.EndsWith("/_work", StringComparison.Ordinal))
        {
            index = path.Length - "/_work".Length;
        }

        return index > 0 ? path[..index] : null;
    }

    // The apphost (bin/Runner.Worker), or `dotnet bin/Runner.Worker.dll`. A self-updated runner runs from bin.<version>,
    // whose parent is still the root.
    private static string? WorkerPath(AncestorProcess process)
    {
        if (process.Executable is { } exe && Path.GetFileName(exe) == WorkerName)
        {
            return exe;
        }

        return process.CommandLine.FirstOrDefault(arg =>
            Path.IsPathFullyQualified(arg) && Path.GetFileName(arg) is WorkerName or WorkerName + ".dll");
    }

    private static AncestorProcess? ReadProcess(int pid)
    {
        if (ProcStat.TryRead(pid) is not { } stat)
        {
            return null;
        }

        var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        string? executable = null;
        try
        {
            executable = new FileInfo($"{proc}/exe").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's process (a runner under its own account): the command line is still readable.
        }

        string[] commandLine;
        try
        {
            commandLine = File.ReadAllText($"{proc}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            commandLine = [];
        }

        return new AncestorProcess(stat.ParentPid, executable, commandLine);
    }
}
