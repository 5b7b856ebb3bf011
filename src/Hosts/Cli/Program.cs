using System.CommandLine;
using Blacksmith.Cli.Verbs;

namespace Blacksmith.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("blacksmith: the builder lifecycle of Docker builds in CI (setup, build, post) with a persistent BuildKit cache.")
        {
            RunVerb.Create(),
            StatusVerb.Create(),
            DiagramVerb.Create(),
            ReplayVerb.Create(),
        };

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

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
