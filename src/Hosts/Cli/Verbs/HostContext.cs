using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.Ci;
using Serilog;

namespace Blacksmith.Cli.Verbs;

/// <summary>A host process's view of its job: the CI runtime, the environment, the job directory, and its logger.</summary>
internal sealed record HostContext(ICiRuntime Ci, IEnvironmentReader Environment, string JobDirectory, string? RequestedStore, string DataDirectory, ILogger Logger) : IDisposable
{
    public (StoreMode Mode, string Why) ChooseStore() => StoreSelection.Choose(RequestedStore, Environment);

    public JobOptions Job(StoreMode store, SetupInputs? setup = null) => new()
    {
        Settings = HostSettings.FromEnvironment(JobDirectory, Environment.Read),
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

    public void Dispose() => (Logger as IDisposable)?.Dispose();
}
