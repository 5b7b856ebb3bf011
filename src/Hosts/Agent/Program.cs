using System.CommandLine;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Server;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var commandLine = new AgentCommandLine();
        commandLine.Command.SetAction(async (parse, _) =>
        {
            var warnings = new List<string>();
            var settings = commandLine.Read(parse, Environment.GetEnvironmentVariable, Privilege.Current.IsRoot, warnings.Add);
            await using var server = AgentServer.Create(settings, services => settings.Backend == AgentBackend.Ceph
                ? new CephStickyDiskStore(
                    settings.Ceph! with { Failpoints = TestFailpoints.FromEnvironment(Environment.GetEnvironmentVariable) },
                    services.GetRequiredService<ProcessRunner>(),
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<CephStickyDiskStore>>())
                : new LocalStickyDiskStore(
                    settings.Store,
                    services.GetRequiredService<ProcessRunner>(),
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<LocalStickyDiskStore>>()));
            foreach (var warning in warnings)
            {
                server.Warn(warning);
            }

            // Not the action's token: SIGTERM and SIGINT reach the host's console lifetime, which drains.
            await server.StartAsync(CancellationToken.None);
            await server.WaitForShutdownAsync(CancellationToken.None);
            return AgentErrors.Success;
        });

        StoreCommands.Configure(commandLine);
        var parse = commandLine.Command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return AgentErrors.ParseFailed(parse);
        }

        try
        {
            // The command line must not handle SIGTERM/SIGINT itself: by default it would return 2 s after one, cutting
            // off the drain that the host's console lifetime runs for up to --shutdown-timeout. Without the default
            // exception handler an exception reaches us, and becomes one line and an exit code instead of a trace.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // The one place every exception ends: it becomes an exit code (ADR 0004) and one line.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return AgentErrors.Report(ex, parse);
        }
    }
}
