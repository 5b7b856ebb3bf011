using System.CommandLine;
using Blacksmith.Agent.Configuration;
using Blacksmith.Agent.Server;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Agent;

internal static class Program
{
    private const int Success = 0;
    private const int Failed = 1;
    private const int BadConfiguration = 2;

    public static async Task<int> Main(string[] args)
    {
        var commandLine = new AgentCommandLine();
        commandLine.Command.SetAction(async (parse, _) =>
        {
            var warnings = new List<string>();
            AgentServer server;
            try
            {
                var settings = commandLine.Read(parse, Environment.GetEnvironmentVariable, Privilege.Current.IsRoot, warnings.Add);
                server = AgentServer.Create(settings, services => new LocalStickyDiskStore(
                    settings.Store,
                    services.GetRequiredService<ProcessRunner>(),
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<LocalStickyDiskStore>>()));
            }
            catch (AgentConfigurationException ex)
            {
                await Console.Error.WriteLineAsync($"blacksmith-agent: {ex.Message}");
                return BadConfiguration;
            }

            await using (server)
            {
                foreach (var warning in warnings)
                {
                    server.Warn(warning);
                }

                try
                {
                    // Not the action's token: SIGTERM and SIGINT reach the host's console lifetime, which drains.
                    await server.StartAsync(CancellationToken.None);
                }
                catch (ExternalCallException ex)
                {
                    await Console.Error.WriteLineAsync($"blacksmith-agent: cannot open the store: {ex.Message}");
                    return Failed;
                }
                catch (IOException ex) when (ex.InnerException is AddressInUseException)
                {
                    // Kestrel's own message names the address; the stack trace would only bury it.
                    await Console.Error.WriteLineAsync($"blacksmith-agent: {ex.Message} Another agent (or another program) listens there; stop it or choose another --listen.");
                    return Failed;
                }

                await server.WaitForShutdownAsync(CancellationToken.None);
                return Success;
            }
        });

        // The command line must not handle SIGTERM/SIGINT itself: by default it would return 2 s after one, cutting
        // off the drain that the host's console lifetime runs for up to --shutdown-timeout.
        return await commandLine.Command.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
