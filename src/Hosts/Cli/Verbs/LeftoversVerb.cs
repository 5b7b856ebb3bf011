using System.CommandLine;
using System.Globalization;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Steps.Leftovers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// <c>blacksmith leftovers [clean --job-dir DIR]</c>: the jobs that hold something on this machine, and the cleanup of
/// one by name, for an administrator who knows it is over (docs/leftovers.md).
/// </summary>
internal static class LeftoversVerb
{
    public static Command Create()
    {
        var store = new Option<string?>("--store")
        {
            Description = "The store the jobs' disks came from, to release them through: local or agent. Default: agent on a Blacksmith runner "
                + "(BLACKSMITH_VM_ID) or where BLACKSMITH_AGENT_ADDRESS names a self-hosted agent, else local. Flag only.",
            Recursive = true,
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"The local store's data directory. Default: {LocalStoreOptions.DataDirectoryVariable}, else {LocalStoreOptions.SystemDataDirectory} as root, "
                + "else $XDG_DATA_HOME/blacksmith or ~/.local/share/blacksmith.",
            HelpName = "dir",
            Recursive = true,
        };
        var verbose = CommonOptions.Verbose;
        var list = new Command(
            "leftovers",
            "List the jobs that hold something on this machine (their claims: daemon, mount, exposure) and whether each is over. "
            + "Claims live in BLACKSMITH_CLAIMS_DIR, else /run/blacksmith/claims as root, else $XDG_RUNTIME_DIR/blacksmith/claims.")
        {
            store,
            dataDir,
            Clean(store, dataDir, verbose),
        };
        list.SetAction((parse, cancellationToken) => RunAsync(parse, store, dataDir, verbose, async (sweep, output) =>
        {
            var reviews = await sweep.ReviewAsync(cancellationToken);
            if (reviews.Count == 0)
            {
                await output.WriteLineAsync("No job holds anything on this machine.");
                return ExitCodes.Success;
            }

            foreach (var review in reviews)
            {
                await output.WriteLineAsync(Describe(review));
            }

            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command Clean(Option<string?> store, Option<string?> dataDir, Option<bool> verbose)
    {
        var jobDir = new Option<string>("--job-dir")
        {
            Description = "The job directory of the job to clean up after, as `blacksmith leftovers` lists it. Its daemon is stopped, its disk unmounted "
                + "and released unchanged (never committed). Only for a job you know is over. Default: none, it is required. Flag only.",
            HelpName = "dir",
            Required = true,
        };
        var command = new Command("clean", "Clean up after one job that is over now: stop its buildkitd, unmount its disk, release it unchanged, remove its claim.") { jobDir };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, store, dataDir, verbose, async (sweep, output) =>
        {
            var directory = parse.GetValue(jobDir)!;
            if (!Path.IsPathFullyQualified(directory))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--job-dir must be the absolute job directory `blacksmith leftovers` lists, not '{directory}'.");
                return ExitCodes.BadInput;
            }

            var cleanup = await sweep.CleanAsync(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)), "an administrator asked for it", cancellationToken);
            if (cleanup is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No job on this machine claims {directory} (see `blacksmith leftovers`).");
                return ExitCodes.BadInput;
            }

            await output.WriteLineAsync(cleanup.Describe());
            return cleanup.Complete ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parse, Option<string?> store, Option<string?> dataDir, Option<bool> verbose, Func<LeftoverSweep, TextWriter, Task<int>> act)
    {
        var environment = ProcessEnvironment.Instance;
        StoreMode mode;
        try
        {
            (mode, _) = StoreSelection.Choose(parse.GetValue(store), environment);
        }
        catch (CiInputException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
            return ExitCodes.BadInput;
        }

        var data = parse.GetValue(dataDir) ?? LocalStoreOptions.DefaultDataDirectory(environment.Read, Privilege.Current.IsRoot);
        using var logger = (Serilog.Core.Logger)BlacksmithLogging.Create(null, parse.GetValue(verbose));
        await using var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new SerilogLoggerProvider(logger)).SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning))
            .AddMachineCleanup(mode, data, environment)
            .BuildServiceProvider();
        return await act(provider.GetRequiredService<LeftoverSweep>(), parse.InvocationConfiguration.Output);
    }

    private static string Describe(ClaimReview review)
    {
        if (review.Stored.Claim is not { } claim)
        {
            return $"{review.Stored.Id}: not a claim ({review.Stored.Problem})";
        }

        var held = claim.Holdings.Describe();
        var since = claim.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var verdict = review.Verdict is { Over: true } over
            ? $"over ({over.Why}): the next setup on this machine cleans it up"
            : $"may still run ({review.Verdict?.Why})";
        return $"{claim.JobDirectory}\n  since {since}, owner {claim.Owner?.Command ?? "-"} pid {claim.Owner?.Pid.ToString(CultureInfo.InvariantCulture) ?? "-"}\n"
            + $"  holds: {(held.Count == 0 ? "nothing yet (setup was starting)" : string.Join("; ", held))}\n  {verdict}";
    }
}
