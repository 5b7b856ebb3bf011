using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blacksmith.Cli.Output;
using Blacksmith.Hosting;
using Blacksmith.Hosts.Flags;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith store ls|rm|gc</c>: administration of the local sticky-disk store (docs/local-store.md).</summary>
internal static class StoreVerb
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"The store's data directory. Default: {LocalStoreOptions.DataDirectoryVariable}, else {LocalStoreOptions.SystemDataDirectory} as root, "
                + "else $XDG_DATA_HOME/blacksmith or ~/.local/share/blacksmith.",
            HelpName = "dir",
            Recursive = true,
        };
        var verbose = CommonOptions.Verbose;
        return new Command("store", "Administer the local sticky-disk store: list keys, remove one, collect garbage.")
        {
            dataDir,
            List(dataDir, verbose),
            Remove(dataDir, verbose),
            CollectGarbage(dataDir, verbose),
        };
    }

    private static Command List(Option<string?> dataDir, Option<bool> verbose)
    {
        var json = new Option<bool>("--json") { Description = "Print the listing as JSON. Default: text. Flag only." };
        var command = new Command("ls", "List the keys (generations, size, last use, last commit) and the exposures not settled yet (age, lease).") { json };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, dataDir, verbose, null, null, async (admin, output) =>
        {
            var listing = await admin.ListAsync(cancellationToken);
            await output.WriteAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(listing, CliJsonContext.Default.LocalStoreListing) + Environment.NewLine
                : StoreText.Render(listing, TimeProvider.System.GetUtcNow()));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Remove(Option<string?> dataDir, Option<bool> verbose)
    {
        var key = new Argument<string>("key") { Description = "The cache key whose generations to delete, as blacksmith store ls shows it." };
        var command = new Command("rm", "Delete every generation of a key. Exposures already handed out keep their own copies.") { key };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, dataDir, verbose, null, null, async (admin, output) =>
        {
            var name = parse.GetValue(key)!;
            if (CacheKeyName.Problem(name) is { } problem)
            {
                CliErrors.Write(parse, $"{CacheKeyName.Printable(name)} is not a cache key: {problem}; {CacheKeyName.Rule}.");
                return ExitCodes.BadInput;
            }

            if (!await admin.RemoveAsync(name, cancellationToken))
            {
                CliErrors.Write(parse, $"The store at {admin.DataDirectory} has no key '{name}'; 'blacksmith store ls --data-dir {admin.DataDirectory}' lists its keys.");
                return ExitCodes.Failed;
            }

            await output.WriteLineAsync($"Removed key '{name}'.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CollectGarbage(Option<string?> dataDir, Option<bool> verbose)
    {
        // No defaults for these: the store's own settings live with whoever runs it, and gc must not prune or evict
        // more than they would unless asked to.
        var keep = new Option<int?>("--keep") { Description = "Prune each key to this many generations (the newest included), a whole number from 1. Default: prune nothing. Flag only.", HelpName = "count", CustomParser = CommonOptions.WholeNumber };
        var cap = new Option<string?>("--size-cap") { Description = "Evict least recently used keys until all generations fit in this size: bytes with an optional K, M, G or T, e.g. 50G. Default: evict nothing. Flag only.", HelpName = "size" };
        var abandoned = new Option<string?>("--abandoned-after")
        {
            Description = "Also discard exposures handed out longer ago than this whose device is not mounted (their jobs are presumed dead): a whole "
                + "number of s, m, h or d, e.g. 24h, 7d. Default: keep them. Flag only.",
            HelpName = "age",
        };
        var command = new Command("gc", "Clean up after crashed jobs, prune old generations, and evict keys over the size cap.") { keep, cap, abandoned };
        command.SetAction(async (parse, cancellationToken) =>
        {
            long? capBytes = null;
            if (parse.GetValue(cap) is { } capText)
            {
                if (!StoreArguments.TryParseSize(capText, out var parsed))
                {
                    CliErrors.Write(parse, $"--size-cap '{capText}' is not a size: a number of bytes with an optional K, M, G or T (e.g. 500M, 50G).");
                    return ExitCodes.BadInput;
                }

                capBytes = parsed;
            }

            TimeSpan? age = null;
            if (parse.GetValue(abandoned) is { } ageText)
            {
                if (!WholeDuration.TryParse(ageText, out var parsed, out var tooLong))
                {
                    CliErrors.Write(parse, tooLong
                        ? string.Create(CultureInfo.InvariantCulture, $"--abandoned-after '{ageText}' is too long to be an age (at most {WholeDuration.MaxDays}d).")
                        : $"--abandoned-after '{ageText}' is not an age: a whole number of s, m, h or d (e.g. 90m, 24h, 7d).");
                    return ExitCodes.BadInput;
                }

                age = parsed;
            }

            if (parse.GetValue(keep) is < 1)
            {
                CliErrors.Write(parse, string.Create(CultureInfo.InvariantCulture, $"--keep must be at least 1, not {parse.GetValue(keep)}."));
                return ExitCodes.BadInput;
            }

            return await RunAsync(parse, dataDir, verbose, parse.GetValue(keep), capBytes, async (admin, output) =>
            {
                await output.WriteAsync(StoreText.Render(await admin.CollectGarbageAsync(age, cancellationToken)));
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parse,
        Option<string?> dataDir,
        Option<bool> verbose,
        int? keep,
        long? cap,
        Func<LocalStoreAdmin, TextWriter, Task<int>> action)
    {
        var directory = Path.GetFullPath(parse.GetValue(dataDir) ?? LocalStoreOptions.DefaultDataDirectory(Environment.GetEnvironmentVariable, Privilege.Current.IsRoot));
        if (File.Exists(directory))
        {
            CliErrors.Write(parse, $"The data directory {directory} is a file; give the store's directory with --data-dir or {LocalStoreOptions.DataDirectoryVariable}.");
            return ExitCodes.BadInput;
        }

        var options = new LocalStoreOptions(directory) { TotalSizeCapBytes = cap, GenerationsKept = keep ?? int.MaxValue };

        using var serilog = (Serilog.Core.Logger)BlacksmithLogging.Create(null, parse.GetValue(verbose));
        using var loggers = new SerilogLoggerFactory(serilog);
        using var admin = new LocalStoreAdmin(options, new ProcessRunner(loggers.CreateLogger<ProcessRunner>(), TimeProvider.System), TimeProvider.System, loggers.CreateLogger<LocalStoreAdmin>());
        try
        {
            return await action(admin, parse.InvocationConfiguration.Output);
        }
        catch (ExternalCallException ex)
        {
            CliErrors.Write(parse, ex.Message);
            return ExitCodes.Failed;
        }
    }
}
