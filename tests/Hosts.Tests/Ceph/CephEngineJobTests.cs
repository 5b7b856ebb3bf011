using System.Globalization;
using System.Text.Json;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Testing.Ceph;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// The engine end to end on a fleet: the real blacksmith executable (setup, build, post) with the process doubles of
/// buildkitd, buildctl and docker buildx, pointed at a host's blacksmith-agent on Ceph with BLACKSMITH_AGENT_ADDRESS,
/// exactly as on a self-hosted runner. A runner does not know which store serves it.
/// </summary>
[Collection(CephClusterGroup.Name)]
public sealed class CephEngineJobTests(CephClusterFixture fixture) : IAsyncDisposable
{
    private const string Key = "acme/shop-image";

    private readonly List<string> _jobDirectories = [];

    private CephTestCluster Cluster => fixture.Cluster;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [RequiresCephFact]
    public async Task A_green_job_on_one_host_commits_through_its_ceph_agent_and_the_next_job_on_another_host_starts_from_that_generation()
    {
        var ns = await Cluster.CreateNamespaceAsync(Cancellation);
        await using var hostA = new CephHost(Cluster, ns, "host-a");
        await using var hostB = new CephHost(Cluster, ns, "host-b");
        await hostA.StartAsync();
        await hostB.StartAsync();

        var first = await RunJobAsync(hostA, "job-1");
        var second = await RunJobAsync(hostB, "job-2");

        foreach (var job in new[] { first, second })
        {
            Assert.True(job.ExitCode == 0, job.ToString());
            Assert.Contains("Store: agent (BLACKSMITH_AGENT_ADDRESS is set: a self-hosted blacksmith-agent)", job.Errors, StringComparison.Ordinal);
            Assert.Contains("Decision: commit requested", job.Errors, StringComparison.Ordinal);
        }

        var generations = await GenerationsAsync(ns);
        Assert.Equal(2, generations.Count);
        var (firstImage, secondChain) = (generations[0].GetProperty("image").GetString(), generations[1].GetProperty("chain"));
        Assert.Equal(firstImage, secondChain.EnumerateArray().First().GetString());
        Assert.Contains("Committed acme/shop-image: generation 1", hostA.Agent.Errors, StringComparison.Ordinal);
        Assert.Contains("Committed acme/shop-image: generation 2", hostB.Agent.Errors, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var directory in _jobDirectories)
        {
            _ = await Leftovers.CleanAsync(Path.GetDirectoryName(directory)!);
            var root = Path.Combine(JobBuildkitPaths.SystemRootsDirectory, JobBuildkitPaths.RootName(directory));
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: false);
            }
        }
    }

    // What a self-hosted runner's job runs: setup, one build, post with the job's status.
    private async Task<CliResult> RunJobAsync(CephHost host, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(host.DataDirectory, "..", name)).FullName;
        var jobDirectory = Path.Combine(directory, "job");
        _jobDirectories.Add(jobDirectory);
        var shims = Path.Combine(directory, "bin");
        ProcessDoubles.WriteShims(shims);
        var workspace = Directory.CreateDirectory(Path.Combine(directory, "workspace")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workspace, "Dockerfile"), RunnerSimulator.DefaultDockerfile, Cancellation);
        var script = Path.Combine(directory, "job.sh");
        await File.WriteAllTextAsync(script, $"""
            blacksmith setup --cache-key '{Key}' && blacksmith build --context '{workspace}' --tags app:{name}
            if [ $? = 0 ]; then status=success; else status=failure; fi
            blacksmith post --job-status "$status"
            """, Cancellation);
        var cli = Path.GetDirectoryName(BlacksmithBinary.Path)!;
        List<string> environment =
        [
            $"PATH={shims}:{cli}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            $"HOME={directory}",
            $"BLACKSMITH_JOB_DIR={jobDirectory}",
            $"BLACKSMITH_CLAIMS_DIR={Path.Combine(directory, "claims")}",
            $"DOCKER_CONFIG={Path.Combine(directory, "docker")}",
            $"BUILDX_CONFIG={Path.Combine(directory, "buildx")}",
            string.Create(CultureInfo.InvariantCulture, $"BLACKSMITH_AGENT_ADDRESS={host.Address}"),
        ];
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            environment.Add($"DOTNET_ROOT={dotnetRoot}");
        }

        return await CliProcess.RunAsync(["env", "-i", .. environment, "sh", script], cancellationToken: Cancellation);
    }

    private async Task<List<JsonElement>> GenerationsAsync(string ns)
    {
        var json = await Cluster.CephAsync("rados", ["-p", CephTestCluster.Pool, "-N", ns, "getomapval", "blacksmith.key.acme%2Fshop-image", "state", "-"], Cancellation);
        return [.. JsonDocument.Parse(json).RootElement.GetProperty("generations").EnumerateArray().Select(g => g.Clone())];
    }
}
