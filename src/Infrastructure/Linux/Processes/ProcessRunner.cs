using System.ComponentModel;
using System.Diagnostics;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Runs every tool the engine calls: an argument vector (never a shell), output streamed line by line to the log as it
/// comes (neutralised so that it cannot become a workflow command), a timeout and cancellation that kill the whole
/// process tree, and a <see cref="ProcessOutcome"/> for each run.
/// </summary>
/// <remarks>
/// A run that exits non-zero or times out is an outcome, not an exception: the caller decides (usually through
/// <see cref="ProcessOutcome.EnsureSucceeded"/>). A missing tool throws <see cref="ExternalCallException"/>
/// (<see cref="ExternalErrorKind.Missing"/>); cancellation throws <see cref="ProcessCancelledException"/> once the
/// tree is dead.
/// </remarks>
public sealed class ProcessRunner
{
    /// <summary>How much standard error an outcome keeps.</summary>
    public const int StandardErrorTailLimit = 4 * 1024;

    // Lines longer than this are cut in the log (the outcome keeps its own bounded tail).
    private const int MaxLoggedLineLength = 16 * 1024;

    // After the tool exits, how long its output may take to reach end-of-file: a background process it left behind
    // can hold the pipes open for ever, and the step must not hang on it.
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    // How long sudo gets to pass a SIGTERM on to the root command before the tree is killed.
    private static readonly TimeSpan ElevatedStopGrace = TimeSpan.FromSeconds(3);

    // How long a killed tool may take to be reaped. One stuck in the kernel (I/O on a hung device) does not die even
    // from SIGKILL; the caller then gets its timeout or cancellation instead of hanging with it.
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(5);

    /// <summary>The exit code reported for a tool that could not be reaped after it was killed.</summary>
    public const int NotReaped = -1;

    private readonly ILogger<ProcessRunner> _logger;
    private readonly TimeProvider _time;

    public ProcessRunner(ILogger<ProcessRunner> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public async Task<ProcessOutcome> RunAsync(ProcessCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        cancellationToken.ThrowIfCancellationRequested();

        var program = Privilege.Require(command.Tool, command.Name, command.SearchPath);
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (command.Environment is not null)
        {
            foreach (var (name, value) in command.Environment)
            {
                info.Environment[name] = value;
            }
        }

        if (command.WorkingDirectory is not null)
        {
            info.WorkingDirectory = command.WorkingDirectory;
        }

        using var process = new Process { StartInfo = info };
        ProcessLog.Starting(_logger, command.Name, program, command.Arguments.Count);
        // The timeout runs from before the start, so it also bounds a start that hangs.
        using var timeout = new CancellationTokenSource(command.Timeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            // The file exists (it was resolved above) but could not be executed: no permission, bad format, or it
            // disappeared in between.
            var kind = ex.NativeErrorCode == Libc.NoSuchFile ? ExternalErrorKind.Missing : ExternalErrorKind.Failed;
            throw new ExternalCallException(command.Name, kind, $"could not start {program}: {ex.Message}", ex);
        }

        // Tools never get our input: anything that reads stdin sees end-of-file instead of waiting for ever.
        process.StandardInput.Close();

        var output = new TailBuffer(command.OutputCaptureLimit);
        var errors = new TailBuffer(StandardErrorTailLimit);
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, command, output),
            PumpAsync(process.StandardError, command, errors));

        bool timedOut = false, cancelled = false;
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            cancelled = cancellationToken.IsCancellationRequested;
            timedOut = !cancelled;
            await StopAsync(process, command);
        }

        try
        {
            await pumps.WaitAsync(DrainGrace, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            ProcessLog.OutputAbandoned(_logger, command.Name);
        }

        var duration = _time.GetElapsedTime(started);
        var outcome = new ProcessOutcome(
            command.Name, process.HasExited ? process.ExitCode : NotReaped, duration, output.ToString(), errors.ToString(), timedOut, cancelled);
        var milliseconds = (long)duration.TotalMilliseconds;
        if (cancelled)
        {
            ProcessLog.Cancelled(_logger, command.Name, milliseconds);
            throw new ProcessCancelledException(outcome, cancellationToken);
        }

        if (timedOut)
        {
            ProcessLog.TimedOut(_logger, command.Name, milliseconds);
        }
        else
        {
            ProcessLog.Exited(_logger, command.Name, outcome.ExitCode, milliseconds);
        }

        return outcome;
    }

    /// <summary>Kills the process and everything it started, and waits until the direct child is reaped.</summary>
    private async Task StopAsync(Process process, ProcessCommand command)
    {
        if (command.Elevated && !process.HasExited)
        {
            // Our child is sudo, which a user may signal, but the root command under it is not ours to kill. sudo relays
            // SIGTERM to the command, so ask first and kill the tree (what we may still kill) only if that is ignored.
            _ = Libc.Kill(process.Id, Libc.SignalTerminate);
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(ElevatedStopGrace, _time, CancellationToken.None);
                return;
            }
            catch (TimeoutException)
            {
                // Fall through to the kill.
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or AggregateException or NotSupportedException)
        {
            // Already exited, or a descendant we may not signal (a root process under sudo).
            ProcessLog.KillFailed(_logger, command.Name, ex.Message);
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(ReapWait, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            ProcessLog.KillFailed(_logger, command.Name, $"still not reaped {ReapWait.TotalSeconds:0} s after SIGKILL (stuck in the kernel?)");
        }
    }

    private async Task PumpAsync(StreamReader reader, ProcessCommand command, TailBuffer capture)
    {
        try
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } raw)
            {
                // What reaches the log, the journal and an error message is what a terminal would have shown.
                var line = TerminalText.Flatten(raw);
                capture.Add(line);
                if (_logger.IsEnabled(command.OutputLevel))
                {
                    var shown = WorkflowCommandGuard.Neutralise(
                        line.Length > MaxLoggedLineLength ? line[..MaxLoggedLineLength] + "…" : line);
                    ProcessLog.OutputLine(_logger, command.OutputLevel, command.Name, shown);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
            // The run ended without end-of-file (abandoned after the drain grace) and the process object was disposed.
        }
    }
}
