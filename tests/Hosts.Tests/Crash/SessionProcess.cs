using System.Diagnostics;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// Runs one step the way the kill-point tests need it: in a session and process group of its own (<c>setsid</c>, which
/// execs in place, so the pid is the step's), so that a kill of its group never reaches the test host; with exactly the
/// environment given; and with its output appended to a log file rather than a pipe, so that nothing a killed step
/// leaves running can hold the test waiting for end of file.
/// </summary>
internal static class SessionProcess
{
    /// <summary>SIGKILL as the exit code .NET reports for a process it ended (128 + 9).</summary>
    public const int KilledBySigkill = 137;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <returns>The exit code (<see cref="KilledBySigkill"/> when SIGKILL ended it).</returns>
    /// <exception cref="TimeoutException">The step ran longer than two minutes; its whole group was killed.</exception>
    public static async Task<int> RunAsync(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment, string log)
    {
        using var process = Start(command, workingDirectory, environment, log);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillGroupAsync(process);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {Timeout}; its process group was killed. Its log: {log}");
        }

        return process.ExitCode;
    }

    /// <summary>Starts the step and returns it running; the caller waits for it, or kills its group.</summary>
    public static Process Start(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment, string log)
    {
        ArgumentNullException.ThrowIfNull(command);
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec \"$0\" \"$@\" >>'{log}' 2>&1");
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>SIGKILL to the step's whole process group (it leads its own), as a runner kills a step; waits for the step.</summary>
    public static async Task KillGroupAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", $"-{process.Id}"]) { UseShellExecute = false })!)
        {
            await BoundedWait.ForExitAsync(kill, $"kill -KILL -- -{process.Id} to exit");
        }

        await BoundedWait.ForExitAsync(process, $"the step (pid {process.Id}) to die after SIGKILL to its group");
    }
}
