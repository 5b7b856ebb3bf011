using System.CommandLine;
using System.Runtime.InteropServices;
using Blacksmith.Hosting;

namespace Blacksmith.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parse = BlacksmithCommandLine.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return CliErrors.ParseFailed(parse);
        }

        using var cancellation = new CancellationTokenSource();
        // The runner cancels a step with SIGINT, then SIGTERM 7.5 s later: either one cancels the work in hand, which
        // then records itself as cancelled and exits non-zero well inside that window.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        void Cancel(PosixSignalContext signal)
        {
            signal.Cancel = true;
            cancellation.Cancel();
        }

        try
        {
            // Without the default handler an exception reaches us, and becomes one line and an exit code instead of a trace.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // The one place every exception ends: it becomes an exit code (ADR 0004) and one line.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return CliErrors.Report(ex, parse);
        }
    }
}
