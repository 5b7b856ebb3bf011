using System.Reflection;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>The sample of docs/embedding.md compiles and runs a job the way it says.</summary>
public sealed class EmbeddingSampleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-embedding-");

    [Fact]
    public async Task The_embedding_sample_commits_a_good_job_and_skips_a_failed_one()
    {
        var good = await RunAsync();
        var bad = await RunAsync("--fail");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("decision Commit", good.Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("skip (BuildFailed)", bad.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<CliResult> RunAsync(params string[] extra) =>
        CliProcess.RunAsync([Sample(), _dir.FullName, .. extra], cancellationToken: TestContext.Current.CancellationToken);

    private static string Sample()
    {
        var configuration = typeof(EmbeddingSampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(Checkout.Root, "samples", "Embedding", "bin", configuration, "net10.0", "blacksmith-embedding-sample");
    }
}
