using System.CommandLine;
using System.Globalization;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Job;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// <c>blacksmith run</c>: setup, several builds and post in one process, through the real engine (journal, commands,
/// state machine, commit policy) and the embedded local sticky-disk store. BuildKit is the real one when
/// <c>buildkitd</c>, <c>buildctl</c> and <c>docker buildx</c> are installed, and simulated in-process otherwise, which the
/// output says plainly.
/// </summary>
internal static class RunVerb
{
    public static Command Create()
    {
        var jobDir = new Option<string?>(JobDirectory.FlagName)
        {
            Description = $"The job's directory: journal, logs, the build context and the BuildKit root. Default: {JobDirectory.EnvironmentVariable}, "
                + "else a new <tmp>/blacksmith/run-<time>-<pid> (the end of the run prints it, and how to remove it).",
            HelpName = "dir",
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"The local store's data directory. Default: {LocalStoreOptions.DataDirectoryVariable}, else {LocalStoreOptions.SystemDataDirectory} "
                + "as root, else $XDG_DATA_HOME/blacksmith or ~/.local/share/blacksmith.",
            HelpName = "dir",
        };
        var cacheKey = new Option<string>("--cache-key")
        {
            Description = $"The sticky-disk key the job commits to: {CacheKeyName.Rule}. Default: demo. Flag only.",
            DefaultValueFactory = _ => "demo",
            HelpName = "key",
        };
        var builds = new Option<int>("--builds")
        {
            Description = "How many builds the job runs, 0 to 100. Default: 3. Flag only.",
            DefaultValueFactory = _ => 3,
            CustomParser = result => CommonOptions.WholeNumber(result) ?? 0,
            HelpName = "count",
        };
        var failBuild = new Option<int?>("--fail-build")
        {
            Description = "Make build number N fail (1 to --builds), to see the commit skipped. Default: every build succeeds. Flag only.",
            CustomParser = CommonOptions.WholeNumber,
            HelpName = "N",
        };
        var simulate = new Option<bool>("--simulate")
        {
            Description = "Use the in-process simulated BuildKit even when buildkitd, buildctl and docker buildx are installed. Default: off. Flag only.",
        };
        var command = new Command("run", "Run a whole job in one process: setup, builds, post, with the local sticky-disk store (real BuildKit when installed, else simulated).")
        {
            jobDir, dataDir, cacheKey, builds, failBuild, simulate,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse,
            new RunOptions(
                Path.GetFullPath(parse.GetValue(jobDir) ?? NonEmpty(Environment.GetEnvironmentVariable(JobDirectory.EnvironmentVariable)) ?? FreshJobDirectory()),
                Path.GetFullPath(parse.GetValue(dataDir) ?? LocalStoreOptions.DefaultDataDirectory(Environment.GetEnvironmentVariable, Privilege.Current.IsRoot)),
                parse.GetValue(cacheKey)!,
                parse.GetValue(builds),
                parse.GetValue(failBuild),
                parse.GetValue(simulate),
                parse.GetValue(CommonOptions.Verbose)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, RunOptions options, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        if (options.Builds is < 0 or > 100)
        {
            CliErrors.Write(parse, string.Create(CultureInfo.InvariantCulture, $"--builds must be between 0 and 100, not {options.Builds}."));
            return ExitCodes.BadInput;
        }

        if (options.FailBuild is { } failing && (failing < 1 || failing > options.Builds))
        {
            CliErrors.Write(parse, options.Builds == 0
                ? "--fail-build needs a build to fail, and --builds is 0."
                : string.Create(CultureInfo.InvariantCulture, $"--fail-build must be a build number from 1 to {options.Builds} (--builds), not {failing}."));
            return ExitCodes.BadInput;
        }

        if (CacheKeyName.Problem(options.CacheKey) is { } problem)
        {
            CliErrors.Write(parse, $"--cache-key {CacheKeyName.Printable(options.CacheKey)} is not a valid cache key: {problem}; {CacheKeyName.Rule}.");
            return ExitCodes.BadInput;
        }

        if (File.Exists(options.DataDirectory))
        {
            CliErrors.Write(parse, $"The data directory {options.DataDirectory} is a file; give the local store's directory with --data-dir or {LocalStoreOptions.DataDirectoryVariable}.");
            return ExitCodes.BadInput;
        }

        new JobDirectory(options.JobDirectory, JobDirectorySource.Flag).Prepare();
        var environment = ProcessEnvironment.Instance;
        using var logger = (Serilog.Core.Logger)BlacksmithLogging.Create(options.JobDirectory, options.Verbose);
        var real = !options.Simulate && await RealBuildkit.AvailableAsync(cancellationToken);
        var simulated = real ? null : new SimulatedBuildkit();
        var secrets = new SecretMasker();
        var ci = new GenericCiRuntime(
            new GenericCiOptions { StateDirectory = options.JobDirectory, Style = GenericCiOptions.DetectStyle(environment) },
            environment, TextWriter.Null, TextWriter.Null, Random.Shared, TimeProvider.System, secrets);
        var settings = HostSettings.FromEnvironment(options.JobDirectory, environment.Read) with
        {
            // A local run never takes over the machine's /var/lib/buildkit.
            MountPoint = environment.Read("BLACKSMITH_BUILDKIT_ROOT") ?? Path.Combine(options.JobDirectory, "buildkit-root"),
        };
        var job = new JobOptions { Settings = settings, Store = StoreMode.Local, DataDirectory = options.DataDirectory, Ci = ci, Environment = environment };
        var services = new ServiceCollection().AddJobAdapters(job);
        if (simulated is not null)
        {
            services.AddSingleton<IBuildkitDaemon>(simulated).AddSingleton<IBuilderRegistry>(simulated).AddSingleton<IImageBuilder>(simulated);
        }

        // Every step of this job runs in this process, so whether they succeeded is known, not probed.
        services.AddSingleton<IEarlierStepsProbe>(new KnownEarlierSteps(new EarlierStepsReport(EarlierStepsResult.Succeeded, "run", "every step ran in this process")));
        await using var provider = services.AddLogging(logging => logging.AddSerilog(logger)).AddBlacksmithEngine().BuildServiceProvider();
        var store = provider.GetRequiredService<LocalStickyDiskStore>();
        var session = SessionIds.New("run");
        var startGeneration = await GenerationAsync(options, options.CacheKey, cancellationToken);

        await output.WriteLineAsync(real
            ? "BuildKit: real buildkitd, buildctl and docker buildx from PATH"
            : $"BuildKit: SIMULATED in this process ({(options.Simulate ? "--simulate" : "buildkitd, buildctl or docker buildx is not installed")}); the engine, journal and store are real");
        await output.WriteLineAsync($"Store:    local sticky-disk store at {store.DataDirectory} ({(store.Mode == LocalStoreMode.Directory ? "directories: no root or no loop devices here" : "ext4 images on loop devices")})");
        await output.WriteLineAsync($"Cache:    key '{options.CacheKey}', starting from generation {startGeneration}");
        await output.WriteLineAsync($"Job:      {options.JobDirectory}");

        var driver = provider.GetRequiredService<JobDriver>();
        var launch = new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, options.JobDirectory);
        var setupStep = await driver.SetupAsync(new SetupRequest(session, options.CacheKey, CommitMode.Auto, launch, settings.Budgets.DaemonReady), cancellationToken);
        if (setupStep.Outcome?.Refusal is { } refusal)
        {
            // A refusal is bad input (ADR 0004): this job directory already holds a job the run does not fit.
            CliErrors.Write(parse, $"setup was refused: {refusal.Message}");
            return ExitCodes.BadInput;
        }

        var setup = setupStep.Outcome!;
        await output.WriteLineAsync(setup.Snapshot.Mode == BuilderMode.StickyDisk
            ? $"Setup:    {setup.Snapshot.State} ({(setup.Snapshot.Disk.Formatted ? "empty cache" : "warm cache")}, builder {setup.Snapshot.BuilderName})"
            : $"Setup:    {setup.Snapshot.State}, {setup.Snapshot.Mode} builder {setup.Snapshot.BuilderName ?? "-"} ({setup.Snapshot.SetupFailure})");

        var context = DemoContext.Write(options.JobDirectory);
        var failed = false;
        for (var i = 1; i <= options.Builds; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"app-{i}");
            var fails = options.FailBuild == i;
            simulated?.FailingBuilds.Add(fails ? name : string.Empty);
            var buildId = SessionIds.New("b");
            var step = await driver.BuildAsync(session, buildId, new BuildInputs
            {
                Context = context,
                File = fails ? DemoContext.FailingDockerfile(context) : string.Empty,
                Tags = [name],
            }, cancellationToken);
            var run = step.Run;
            failed |= !run.Report.Succeeded;
            var cached = simulated?.Results.GetValueOrDefault(buildId) is { Steps: > 0 } r ? $"{r.Steps} steps, {r.Cached} cached, " : string.Empty;
            await output.WriteLineAsync($"Build:    {name}: {cached}{run.Report.Result.ToString().ToLowerInvariant()}{(run.Report.Succeeded ? "" : $" ({run.Report.ErrorDetail})")}");
        }

        var postStep = await driver.PostAsync(PostRequest.ForSession(session, launch), cancellationToken);
        var post = postStep.Outcome!;
        var status = JobStatus.From((await new JournalFile(options.JobDirectory).ReadAsync(0, cancellationToken)).Records);
        await output.WriteLineAsync();
        await output.WriteAsync(StatusText.Render(status));
        await output.WriteLineAsync();
        var endGeneration = await GenerationAsync(options, options.CacheKey, cancellationToken);
        await output.WriteLineAsync(post.Snapshot.Decision is CommitDecision.Commit && post.Snapshot.CommitAccepted == true
            ? $"Cache:    committed generation {endGeneration} (started from {startGeneration}). Run again to start from it."
            : $"Cache:    not committed ({(post.Snapshot.Decision as CommitDecision.Skip)?.Reason.ToString() ?? "commit failed"}); key '{options.CacheKey}' stays at generation {endGeneration}.");
        foreach (var error in post.Errors)
        {
            await output.WriteLineAsync($"Post error: {error}");
        }

        await output.WriteAsync(Leftovers(options, store.Mode, endGeneration));
        return failed || postStep.End != StepEnd.Succeeded ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static async Task<long> GenerationAsync(RunOptions options, string cacheKey, CancellationToken cancellationToken)
    {
        using var admin = new LocalStoreAdmin(new LocalStoreOptions(options.DataDirectory), new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System), TimeProvider.System, NullLogger<LocalStoreAdmin>.Instance);
        var listing = await admin.ListAsync(cancellationToken);
        return listing.Keys.FirstOrDefault(k => k.Key == cacheKey)?.Generations.Select(g => g.Number).DefaultIfEmpty(0).Max() ?? 0;
    }

    /// <summary>What the run leaves on the machine, and the commands that remove it.</summary>
    private static string Leftovers(RunOptions options, LocalStoreMode mode, long generation)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine();
        text.AppendLine("Left on this machine:");
        if (generation > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  key '{options.CacheKey}' in the store at {options.DataDirectory} (generation {generation}, {(mode == LocalStoreMode.Directory ? "a directory" : "a sparse ext4 image")}), for the next run to start from");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  this job's directory {options.JobDirectory} (journal, logs, build context)");
        text.AppendLine("To remove them:");
        if (generation > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  blacksmith store rm {options.CacheKey} --data-dir {options.DataDirectory}    (every generation of the key)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  blacksmith store gc --data-dir {options.DataDirectory}    (whatever crashed jobs left in the store)");
        text.AppendLine(Path.GetDirectoryName(options.JobDirectory) == RunsDirectory
            ? $"  rm -rf {options.JobDirectory}    (earlier runs: rm -rf {RunsDirectory}/run-*)"
            : $"  rm -rf {options.JobDirectory}");
        return text.ToString();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string RunsDirectory => Path.Combine(Path.GetTempPath(), "blacksmith");

    private static string FreshJobDirectory() =>
        Path.Combine(RunsDirectory, string.Create(CultureInfo.InvariantCulture, $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}"));

    private sealed record RunOptions(string JobDirectory, string DataDirectory, string CacheKey, int Builds, int? FailBuild, bool Simulate, bool Verbose);
}
