using System.CommandLine;
using System.Globalization;
using Blacksmith.Agent.Configuration;
using Blacksmith.Hosts.Flags;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Agent;

/// <summary>
/// <c>blacksmith-agent store ls|rm|gc</c>: administration of the Ceph store from any fleet host, with the same
/// configuration flags as the agent. It runs beside the host's agent and never touches what that agent holds (no
/// recovery, no lock on the data directory). The local store has its own verbs in the <c>blacksmith</c> executable.
/// </summary>
internal static class StoreCommands
{
    private const long GiB = 1024L * 1024 * 1024;

    public static void Configure(AgentCommandLine commandLine)
    {
        commandLine.StoreList.SetAction((parse, cancellationToken) => RunAsync(commandLine, parse, async store =>
        {
            await Console.Out.WriteAsync(await store.DescribeAsync(cancellationToken));
            return AgentErrors.Success;
        }));
        commandLine.StoreRemove.SetAction((parse, cancellationToken) => RunAsync(commandLine, parse, async store =>
        {
            var key = parse.GetValue(commandLine.StoreKey)!;
            if (CacheKeyName.Problem(key) is { } problem)
            {
                throw new AgentConfigurationException($"{CacheKeyName.Printable(key)} is not a cache key: {problem}; {CacheKeyName.Rule}");
            }

            if (!await store.RemoveKeyAsync(key, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"blacksmith-agent: the cluster has no key {CacheKeyName.Printable(key)}; 'blacksmith-agent store ls' lists its keys.");
                return AgentErrors.Failed;
            }

            await Console.Out.WriteLineAsync($"Removed key {CacheKeyName.Printable(key)}.");
            return AgentErrors.Success;
        }));
        commandLine.StoreCollect.SetAction((parse, cancellationToken) => RunAsync(commandLine, parse, async store =>
        {
            var keep = parse.GetValue(commandLine.Keep);
            if (keep is < 1)
            {
                throw new AgentConfigurationException(string.Create(CultureInfo.InvariantCulture, $"--keep must be at least 1, not {keep}"));
            }

            var age = parse.GetValue(commandLine.AbandonedAfter) is { } text ? Age(text) : (TimeSpan?)null;
            var settings = store.Options;
            await Console.Out.WriteAsync(await store.CollectGarbageAsync(keep, settings.TotalSizeCapBytes, age, cancellationToken));
            return AgentErrors.Success;
        }));
    }

    private static async Task<int> RunAsync(AgentCommandLine commandLine, ParseResult parse, Func<CephStickyDiskStore, Task<int>> action)
    {
        var settings = commandLine.Read(parse, Environment.GetEnvironmentVariable, Privilege.Current.IsRoot, _ => { });
        if (settings.Backend != AgentBackend.Ceph || settings.Ceph is null)
        {
            throw new AgentConfigurationException("blacksmith-agent store administers the Ceph store: add --backend ceph and its --ceph-* flags (the local store has blacksmith store)");
        }

        using var logging = LoggerFactory.Create(builder =>
        {
            builder.AddSimpleConsole(console => console.SingleLine = true);
            builder.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
        });
        using var store = CephStickyDiskStore.ForAdministration(
            settings.Ceph,
            new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System),
            TimeProvider.System,
            logging.CreateLogger("Blacksmith.CephStore"));
        return await action(store);
    }

    private static TimeSpan Age(string text) =>
        WholeDuration.TryParse(text, out var age, out var tooLong)
            ? age
            : throw new AgentConfigurationException(tooLong
                ? AgentCommandLine.TooLong("--abandoned-after", text)
                : $"--abandoned-after '{text}' is not an age: a whole number of s, m, h or d (e.g. 90m, 24h, 7d)");
}
