using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Hosts.Tests.Cli;

/// <summary><c>blacksmith store ls</c> on a store the agent serves: the exposures not settled, with their age and lease.</summary>
public sealed class StoreLsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-store-ls-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Store_ls_shows_each_exposures_age_and_when_its_lease_runs_out_or_that_it_has_none()
    {
        var data = Path.Combine(_dir.FullName, "data");
        var options = new LocalStoreOptions(data) { Mode = LocalStoreMode.Directory };
        var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System);
        using var agentStore = new LocalStickyDiskStore(options with { ExposureLease = TimeSpan.FromHours(6) }, runner, TimeProvider.System, NullLogger<LocalStickyDiskStore>.Instance);
        using var embeddedStore = new LocalStickyDiskStore(options, runner, TimeProvider.System, NullLogger<LocalStickyDiskStore>.Instance);
        var leased = await agentStore.ExposeAsync("acme/widgets", Ct);
        var unleased = await embeddedStore.ExposeAsync("acme/gadgets", Ct);

        var text = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--data-dir", data], null, Ct);
        var json = await CliProcess.RunAsync([BlacksmithBinary.Path, "store", "ls", "--json", "--data-dir", data], null, Ct);

        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.Output.Split('\n');
        var leasedLine = Assert.Single(lines, l => l.Contains(leased.ExposeId, StringComparison.Ordinal));
        Assert.Matches(@", \d+ s ago, lease runs out \d{4}-\d\d-\d\d \d\d:\d\dZ, ", leasedLine);
        Assert.Matches(@", (5 h 59 min|6 h) left, pid ", leasedLine);
        Assert.Contains(", no lease, pid ", Assert.Single(lines, l => l.Contains(unleased.ExposeId, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Contains("\"leaseExpires\":", json.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
