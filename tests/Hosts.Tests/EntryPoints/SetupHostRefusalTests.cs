using Blacksmith.Hosting;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Leftovers;

namespace Blacksmith.Hosts.Tests.EntryPoints;


/// <summary>A setup the lifecycle refuses is bad input (ADR 0004): exit 2, with an error naming why.</summary>
public sealed class SetupHostRefusalTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-setup-refusal-");
    private readonly TestEngine _engine = new();

    [Fact]
    public async Task A_second_setup_for_another_cache_key_exits_2_with_an_error_annotation()
    {
        var (first, _) = await RunSetupAsync("shop-image", "setup-1");
        var (second, log) = await RunSetupAsync("other-image", "setup-2");

        Assert.Equal(ExitCodes.Success, first);
        Assert.Equal(ExitCodes.BadInput, second);
        var error = Assert.Single(log.Split('\n'), l => l.StartsWith("::error::", StringComparison.Ordinal));
        Assert.Contains("cache key", error, StringComparison.Ordinal);
        Assert.Single(_engine.Daemon.Running);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _dir.Delete(recursive: true);
    }

    private async Task<(int Exit, string Log)> RunSetupAsync(string cacheKey, string session)
    {
        var (_, environment) = await GitHubSetupStep.CreateAsync(_dir.FullName, $"-{session}", cacheKey, Ct);
        using var log = new StringWriter();
        var ci = new GitHubActionsRuntime(environment, log, new Random(7), new SecretMasker());
        var claims = new JobClaims(Path.Combine(_dir.FullName, "claims"));
        var host = new SetupHost(
            ci, environment, new HostSettings { JobDirectory = Path.Combine(_dir.FullName, "job") }, _engine.Driver(_engine.Sweep(claims), claims), new FakeBuilderInspector());

        var exit = await host.RunAsync(SetupInputs.Read(ci), session, Ct);
        return (exit, log.ToString());
    }
}
