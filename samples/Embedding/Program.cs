// A CI system written in .NET hosting the Blacksmith engine in its own process: it knows its steps' outcomes, so
// it tells the engine instead of letting it probe. Usage: blacksmith-embedding-sample <work-dir> [--fail]
using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Simulation;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Job;
using Microsoft.Extensions.DependencyInjection;

var work = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "blacksmith-embedding");
var fail = args.Contains("--fail");
// One journal per job: a new job gets a new directory (the store, below, is what jobs share).
var jobDirectory = Path.Combine(work, $"job-{DateTime.UtcNow:yyyyMMddHHmmssfff}");
Directory.CreateDirectory(jobDirectory);

// 1. The CI runtime: inputs, state and outputs of this CI system (the generic one keeps state in a directory).
var environment = ProcessEnvironment.Instance;
var ci = new GenericCiRuntime(
    new GenericCiOptions { StateDirectory = jobDirectory }, environment, Console.Error, Console.Out, Random.Shared, TimeProvider.System, new SecretMasker());

// 2. The real adapters, with the local store in the work directory...
var job = new JobOptions
{
    Settings = new HostSettings { JobDirectory = jobDirectory, MountPoint = Path.Combine(work, "buildkit-root") },
    Store = StoreMode.Local,
    DataDirectory = Path.Combine(work, "store"),
    Ci = ci,
    Environment = environment,
};
var buildkit = new SimulatedBuildkit();
var services = new ServiceCollection()
    .AddJobAdapters(job)
    // ...except BuildKit, simulated here so that the sample runs anywhere (drop these three lines to use the real one),
    .AddSingleton<IBuildkitDaemon>(buildkit)
    .AddSingleton<IBuilderRegistry>(buildkit)
    .AddSingleton<IImageBuilder>(buildkit)
    // ...and the earlier-steps check, which this CI answers from what it knows.
    .AddSingleton<IEarlierStepsProbe>(new KnownEarlierSteps(new EarlierStepsReport(EarlierStepsResult.Succeeded, "embedding sample", "the host ran every step")))
    .AddLogging()
    // 3. The engine itself, last: it puts a recording decorator in front of every adapter registered above.
    .AddBlacksmithEngine();
await using var provider = services.BuildServiceProvider();

// 4. Setup, builds and post through the job driver, the same one the actions' steps and `blacksmith run` use; the
// session ties them together, and each result says how the step ended and what to tell the user.
const string session = "embedded-1";
var settings = job.Settings;
var driver = provider.GetRequiredService<JobDriver>();
var launch = new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, jobDirectory);
var setup = await driver.SetupAsync(
    new SetupRequest(session, "embedding-sample", CommitMode.Auto, launch, settings.Budgets.DaemonReady), CancellationToken.None);
Console.WriteLine($"setup: {setup.Snapshot?.State}, builder {setup.Snapshot?.BuilderName}");

if (fail)
{
    buildkit.FailingBuilds.Add("web");
}

var build = await driver.BuildAsync(session, "build-1", new BuildInputs { Context = ".", Tags = ["web"] }, CancellationToken.None);
Console.WriteLine($"build: {build.Run.Report.Result}");

var post = await driver.PostAsync(PostRequest.ForSession(session, launch), CancellationToken.None);
Console.WriteLine($"post: {post.Outcome?.Snapshot.State}, decision {post.Outcome?.Snapshot.Decision}");
return post.End == StepEnd.Succeeded && build.End == StepEnd.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
