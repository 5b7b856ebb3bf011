using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// A host process's view of its job: the CI runtime, the environment, the job directory (resolved, not yet created),
/// where the store is, and how to log.
/// </summary>
internal sealed record HostContext(
    ICiRuntime Ci,
    IEnvironmentReader Environment,
    Infrastructure.Journal.JobDirectory JobDirectory,
    string? RequestedStore,
    string DataDirectory,
    SecretMasker Secrets,
    bool Verbose)
{
    public (StoreMode Mode, string Why) ChooseStore() => StoreSelection.Choose(RequestedStore, Environment);

    /// <summary>The logger of a host that passed its checks: lines for the CI log, and the JSON log in the job directory.</summary>
    public DeferredLogger CreateLogger() => BlacksmithLogging.CreateDeferred(JobDirectory.Path, Verbose, Ci.Kind, Secrets);

    public JobOptions Job(StoreMode store, SetupInputs? setup = null) => new()
    {
        Settings = HostSettings.FromEnvironment(JobDirectory.Path, Environment.Read),
        Store = store,
        DataDirectory = DataDirectory,
        Ci = Ci,
        Environment = Environment,
        Platforms = setup?.Platforms ?? [],
        MaxParallelism = setup?.MaxParallelism,
        BuildxVersion = setup?.BuildxVersion,
        BuildkitVersion = setup?.BuildkitVersion,
        DaemonEnvironment = setup?.DaemonEnvironment ?? new Dictionary<string, string>(),
    };
}
