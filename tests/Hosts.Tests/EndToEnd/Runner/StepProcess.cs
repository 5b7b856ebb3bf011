using System.Diagnostics;
using System.Globalization;
using System.Text;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// Runs one step's process as the runner's <c>ProcessInvoker</c> does: a full environment of its own, output read
/// line by line from both streams, and on cancellation SIGINT to the process alone, SIGTERM after the grace period,
/// and a kill of the whole tree 2.5 s after that (protocols §1.8). It starts with every signal at its default
/// (<see cref="DefaultSignals"/>).
/// </summary>
internal static class StepProcess
{
    private static readonly TimeSpan KillAfterTerm = TimeSpan.FromSeconds(2.5);

    internal static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    /// <param name="command">The program and its arguments.</param>
    /// <param name="workingDirectory">GITHUB_WORKSPACE.</param>
    /// <param name="environment">The step's whole environment.</param>
    /// <param name="onLine">Sees every line as it arrives (the simulator cancels the job from here).</param>
    /// <param name="grace">Between SIGINT and SIGTERM; 7.5 s on the runner.</param>
    /// <param name="cancelled">The job was cancelled: start the signal sequence.</param>
    public static async Task<StepRun> RunAsync(
        IReadOnlyList<string> command,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        Action<string> onLine,
        TimeSpan grace,
        CancellationToken cancelled)
    {
        // Every signal at its default, as the runner starts a step, whatever this test host inherited.
        var start = DefaultSignals.StartInfo(command[0], command.Skip(1));
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var lines = new List<string>();
        var signals = new List<string>();
        void Receive(StringBuilder stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                stream.AppendLine(line);
                lines.Add(line);
            }

            onLine(line);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Receive(output, e.Data);
        process.ErrorDataReceived += (_, e) => Receive(errors, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var stop = new CancellationTokenSource();
        var signalling = Task.CompletedTask;
        using (cancelled.Register(() => signalling = SignalAsync(process, signals, grace, stop.Token)))
        {
            using var timeout = new CancellationTokenSource(StepTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                throw new TimeoutException($"{string.Join(' ', command)} did not finish within {StepTimeout}:\n{output}\n{errors}");
            }
        }

        await stop.CancelAsync();
        await signalling;

        // WaitForExitAsync has also waited for the streams' end of file: every line is in.
        lock (lines)
        {
            return new StepRun(process.ExitCode, output.ToString(), errors.ToString(), [.. lines], [.. signals]);
        }
    }

    private static async Task SignalAsync(Process process, List<string> signals, TimeSpan grace, CancellationToken exited)
    {
        try
        {
            await SendAsync(process, signals, "INT");
            await Task.Delay(grace, exited);
            await SendAsync(process, signals, "TERM");
            await Task.Delay(KillAfterTerm, exited);
            lock (signals)
            {
                signals.Add("SIGKILL");
            }

            process.Kill(entireProcessTree: true);
        }
        catch (OperationCanceledException)
        {
            // The process ended within the window: nothing more to send.
        }
    }

    private static async Task SendAsync(Process process, List<string> signals, string signal)
    {
        if (process.HasExited)
        {
            return;
        }

        lock (signals)
        {
            signals.Add($"SIG{signal}");
        }

        // To the process only, not its group, as the runner does; .NET's Process can only send SIGKILL.
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await BoundedWait.ForExitAsync(kill, $"kill -s {signal} to exit");
    }
}
