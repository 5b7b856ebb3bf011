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
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Setup;
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

// 4. Setup, builds and post, each a sequence of lifecycle commands; the session ties them together.
const string session = "embedded-1";
var settings = job.Settings;
var setup = await provider.GetRequiredService<SetupSequence>().RunAsync(
    new SetupPlan(session, new SetupFacts("embedding-sample", "local"), settings.MountPoint,
        new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, jobDirectory), settings.Budgets.DaemonReady, AllowFallback: true),
    CancellationToken.None);
Console.WriteLine($"setup: {setup.Snapshot.State}, builder {setup.Snapshot.BuilderName}");

if (fail)
{
    buildkit.FailingBuilds.Add("web");
}

var build = await provider.GetRequiredService<BuildSequence>().RunAsync(
    session, "web", new BuildRequest("build-1", string.Empty, new BuildInputs { Context = ".", Tags = ["web"] }), CancellationToken.None);
Console.WriteLine($"build: {build.Report.Result}");

var post = await provider.GetRequiredService<PostSequence>().RunAsync(
    session, new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, jobDirectory), CancellationToken.None);
Console.WriteLine($"post: {post.Snapshot.State}, decision {post.Snapshot.Decision}");
return post.Succeeded && build.Report.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
