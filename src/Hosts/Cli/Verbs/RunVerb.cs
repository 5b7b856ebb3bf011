using Blacksmith.Hosting.Output;
using System.CommandLine;
using System.Globalization;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Simulation;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Setup;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// <c>blacksmith run</c>: setup, several builds and post in one process, through the real engine (journal,
/// commands, state machine, commit policy). In this version BuildKit and the sticky-disk store are simulated
/// in-process, and the output says so.
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var jobDir = CommonOptions.JobDirectory();
        var dataDir = new Option<string?>("--data-dir") { Description = "Where cache generations are kept. Default: BLACKSMITH_DATA_DIR, else $XDG_DATA_HOME/blacksmith or ~/.local/share/blacksmith." };
        var cacheKey = new Option<string>("--cache-key") { Description = "The sticky-disk key.", DefaultValueFactory = _ => "demo" };
        var builds = new Option<int>("--builds") { Description = "How many builds to run.", DefaultValueFactory = _ => 3 };
        var failBuild = new Option<int?>("--fail-build") { Description = "Make build number N (1-based) fail, to see the commit skipped." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every command and transition." };
        var command = new Command("run", "Run a whole job in one process: setup, builds, post. BuildKit and the sticky-disk store are simulated in this version.")
        {
            jobDir, dataDir, cacheKey, builds, failBuild, verbose,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new RunOptions(
                parse.GetValue(jobDir) ?? Environment.GetEnvironmentVariable(JobDirectory.EnvironmentVariable) ?? FreshJobDirectory(),
                parse.GetValue(dataDir) ?? Environment.GetEnvironmentVariable("BLACKSMITH_DATA_DIR") ?? DefaultDataDirectory(),
                parse.GetValue(cacheKey)!,
                parse.GetValue(builds),
                parse.GetValue(failBuild),
                parse.GetValue(verbose)),
            parse.InvocationConfiguration.Output,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(RunOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Builds is < 0 or > 100)
        {
            await output.WriteLineAsync("--builds must be between 0 and 100.");
            return ExitCodes.BadInput;
        }

        Directory.CreateDirectory(options.JobDirectory);
        var store = new SimulatedStickyDiskStore(Path.Combine(options.DataDirectory, "simulated"));
        var buildkit = new SimulatedBuildkit();
        using var logger = (Serilog.Core.Logger)BlacksmithLogging.Create(options.JobDirectory, options.Verbose);
        var services = new ServiceCollection()
            .AddSingleton<IJournalStore>(new JournalFile(options.JobDirectory))
            .AddSingleton<IStickyDiskStore>(store)
            .AddSingleton<IBlockDevice>(new SimulatedBlockDevice())
            .AddSingleton<IBuildkitDaemon>(buildkit)
            .AddSingleton<IBuilderRegistry>(buildkit)
            .AddSingleton<IEarlierStepsProbe>(new KnownEarlierSteps(new EarlierStepsReport(EarlierStepsResult.Succeeded, "run", "every step ran in this process")))
            .AddLogging(logging => logging.AddSerilog(logger))
            .AddBlacksmithEngine();
        await using var provider = services.BuildServiceProvider();
        var mediator = provider.GetRequiredService<IMediator>();
        var session = $"run-{Guid.NewGuid():N}"[..12];
        var startGeneration = store.Generation(options.CacheKey);

        await output.WriteLineAsync("BuildKit: SIMULATED in this process (this version drives no real buildkitd or docker buildx).");
        await output.WriteLineAsync($"Store:    simulated sticky-disk store at {store.DataDirectory}");
        await output.WriteLineAsync($"Cache:    key '{options.CacheKey}', starting from generation {startGeneration}");
        await output.WriteLineAsync($"Job:      {options.JobDirectory}");

        var root = Path.Combine(options.JobDirectory, "buildkit-root");
        var plan = new SetupPlan(session, new SetupFacts(options.CacheKey, store.Kind), root,
            new DaemonLaunch("tcp://127.0.0.1:1234", root, options.JobDirectory), TimeSpan.FromSeconds(120), AllowFallback: true);
        var setup = await provider.GetRequiredService<SetupSequence>().RunAsync(plan, cancellationToken);
        if (setup.Refusal is { } refusal)
        {
            await output.WriteLineAsync($"Setup refused: {refusal.Message}");
            return ExitCodes.BadInput;
        }

        await output.WriteLineAsync($"Setup:    {setup.Snapshot.State} ({(setup.Snapshot.Disk.Formatted ? "empty cache" : "warm cache")}, builder {setup.Snapshot.BuilderName})");

        var failed = false;
        for (var i = 1; i <= options.Builds; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"app-{i}");
            var id = $"{session}-b{i}";
            await mediator.Send(new BeginBuild(session, id, name), cancellationToken);
            var (cached, steps) = buildkit.Build(name, steps: 5);
            var outcome = options.FailBuild == i ? BuildOutcome.Failed : BuildOutcome.Succeeded;
            failed |= outcome == BuildOutcome.Failed;
            await mediator.Send(new CompleteBuild(session, id, outcome, outcome == BuildOutcome.Failed ? "failed on purpose (--fail-build)" : null), cancellationToken);
            await output.WriteLineAsync($"Build:    {name}: {steps} steps, {cached} cached, {outcome.ToString().ToLowerInvariant()}");
        }

        var post = await provider.GetRequiredService<PostSequence>().RunAsync(session, cancellationToken);
        var status = JobStatus.From((await new JournalFile(options.JobDirectory).ReadAsync(0, cancellationToken)).Records);
        await output.WriteLineAsync();
        await output.WriteAsync(StatusText.Render(status));
        await output.WriteLineAsync();
        var endGeneration = store.Generation(options.CacheKey);
        await output.WriteLineAsync(post.Snapshot.Decision is CommitDecision.Commit && post.Snapshot.CommitAccepted == true
            ? $"Cache:    committed generation {endGeneration} (started from {startGeneration}). Run again to start from it."
            : $"Cache:    not committed; key '{options.CacheKey}' stays at generation {endGeneration}.");
        foreach (var error in post.Errors)
        {
            await output.WriteLineAsync($"Post error: {error}");
        }

        return failed || !post.Succeeded ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static string FreshJobDirectory() =>
        Path.Combine(Path.GetTempPath(), "blacksmith", string.Create(CultureInfo.InvariantCulture, $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}"));

    private static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "blacksmith");
    }

    private sealed record RunOptions(string JobDirectory, string DataDirectory, string CacheKey, int Builds, int? FailBuild, bool Verbose);
}
