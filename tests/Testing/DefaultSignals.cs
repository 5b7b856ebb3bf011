using System.Diagnostics;

namespace Blacksmith.Testing;

/// <summary>
/// Starts a process with every signal at its default disposition, as a runner starts a step, whatever the test host
/// inherited. A process inherits the signals its parent ignores, and a shell starts its background jobs with SIGINT and
/// SIGQUIT ignored: under <c>dotnet test &amp;</c> every process a test starts would ignore SIGINT, and a test that
/// cancels a step with SIGINT would wait in vain (.NET keeps an inherited SIGINT ignored, and a shell cannot trap a
/// signal that was ignored when it started). <c>env --default-signal</c> (GNU coreutils 8.31 or newer) resets them all
/// and then execs the command, so the process a test signals is still the command itself, under the same pid.
/// </summary>
public static class DefaultSignals
{
    /// <summary>The program every such process starts as; it execs the command at once.</summary>
    public const string Env = "/usr/bin/env";

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>, its signals at their defaults.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(arguments);
        // "--" ends env's options and its NAME=VALUE assignments: the program is never read as either. A bare name is
        // found on this process's PATH, as Process.Start would find it, not on the PATH of the environment it is given.
        return new ProcessStartInfo(Env, ["--default-signal", "--", OnPath(program), .. arguments]);
    }

    private static string OnPath(string program) =>
        program.Contains('/', StringComparison.Ordinal)
            ? program
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, program))
                .FirstOrDefault(File.Exists) ?? program;
}
