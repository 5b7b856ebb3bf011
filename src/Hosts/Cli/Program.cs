using System.CommandLine;
using System.Runtime.InteropServices;
using Blacksmith.Cli.Verbs;
using Blacksmith.Hosting;

namespace Blacksmith.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("blacksmith: the builder lifecycle of Docker builds in CI (setup, build, post) with a persistent BuildKit cache.")
        {
            SetupVerb.Create(),
            BuildVerb.Create(),
            PostVerb.Create(),
            RunVerb.Create(),
            StatusVerb.Create(),
            DiagramVerb.Create(),
            StoreVerb.Create(),
            LeftoversVerb.Create(),
            ReplayVerb.Create(),
        };

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
            return await root.Parse(args).InvokeAsync(cancellationToken: cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }
}
