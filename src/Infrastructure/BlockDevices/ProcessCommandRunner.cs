using System.ComponentModel;
using System.Diagnostics;

namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// <see cref="ICommandRunner"/> over <see cref="Process"/>: no shell, stdin closed at once (a tool that would ask a
/// question gets end of input instead of hanging), and the C locale, so that error messages are the English ones the
/// adapter recognises.
/// </summary>
internal sealed class ProcessCommandRunner : ICommandRunner
{
    private const int NoSuchFile = 2;

    // How long to wait for a killed command to be reaped. A command stuck in the kernel on a hung device does not die
    // even from SIGKILL; the caller gets its timeout rather than hanging with it.
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(5);

    public async Task<CommandResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        cancellationToken.ThrowIfCancellationRequested();

        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == NoSuchFile)
        {
            throw new FileNotFoundException($"{file} was not found on PATH.", file, ex);
        }

        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{file} did not finish within {timeout.TotalSeconds:0.#} s and was killed.");
        }

        return new CommandResult(process.ExitCode, await standardOutput, await standardError);
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
        catch (Win32Exception)
        {
            // A descendant that runs as root under sudo cannot be signalled by a non-root host; sudo itself is killed.
        }

        using var reap = new CancellationTokenSource(ReapWait);
        try
        {
            await process.WaitForExitAsync(reap.Token);
        }
        catch (OperationCanceledException)
        {
            // Still not gone (see ReapWait); leave it to the kernel.
        }
    }
}
