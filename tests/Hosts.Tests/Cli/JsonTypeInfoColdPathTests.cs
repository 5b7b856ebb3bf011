using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Testing;
using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Hosts.Tests.Cli;

/// <summary>
/// A post with nothing to clean up builds no System.Text.Json type info: its journal's two records are written and read
/// by hand. Building one (its properties' names encoded, the type's attributes read by reflection, under Native AOT
/// through the type loader) was a fifth of that post's CPU. Run as its own process, since this test host's contexts are
/// shared with every other test.
/// </summary>
public sealed class JsonTypeInfoColdPathTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-typeinfo-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Post_with_nothing_to_clean_up_creates_no_json_type_info()
    {
        var job = Path.Combine(_dir.FullName, "job");
        var report = Path.Combine(_dir.FullName, "type-infos.txt");
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
            [StartupHook.ReportVariable] = report,
            [JobDirectory.EnvironmentVariable] = job,
            ["BLACKSMITH_CLAIMS_DIR"] = Path.Combine(_dir.FullName, "claims"),
        };
        foreach (var variable in new[] { "GITHUB_ACTIONS", "RUNNER_TEMP", "GITHUB_RUN_ID", "GITHUB_JOB", "CI_JOB_ID", "GITLAB_CI", "BUILDKITE", "BUILDKITE_JOB_ID", "BLACKSMITH_DATA_DIR", "BLACKSMITH_JOB_STATUS" })
        {
            environment.TryAdd(variable, null);
        }

        var post = await CliProcess.RunAsync([DotnetHost.Path, "exec", "--runtimeconfig", HookedRuntimeConfig(), $"{JitBuild}.dll", "post"], environment, TestContext.Current.CancellationToken);

        Assert.True(post.ExitCode == 0, $"post exited {post.ExitCode}: {post.Errors}");
        var lines = await File.ReadAllLinesAsync(Path.Combine(job, JournalFile.JournalFileName), TestContext.Current.CancellationToken);
        Assert.Collection(
            lines,
            l => Assert.Contains("\"kind\":\"transition\",\"type\":\"PostRequested\",\"payload\":{\"from\":\"Idle\",\"to\":\"Done\"}}", l, StringComparison.Ordinal),
            l => Assert.Contains("\"kind\":\"decision\",\"type\":\"skip\",\"payload\":{\"decision\":\"skip\",\"reason\":\"NoSetup\",", l, StringComparison.Ordinal));
        Assert.True(File.Exists(report), "the startup hook wrote no report: it did not run in the post's process");
        var created = await File.ReadAllLinesAsync(report, TestContext.Current.CancellationToken);
        Assert.True(created.Length == 0, $"post created {created.Length} type info(s): {string.Join("; ", created)}");
    }

    // The JIT build, not BlacksmithBinary.Path: BLACKSMITH_BINARY may name the Native AOT build, which loads no startup hook.
    private static string JitBuild => BlacksmithBinary.JitBuild;

    // The build's own runtime configuration with startup hooks allowed, which it turns off as the Native AOT build has none.
    private string HookedRuntimeConfig()
    {
        var config = Path.Combine(_dir.FullName, "blacksmith.runtimeconfig.json");
        var text = File.ReadAllText($"{JitBuild}.runtimeconfig.json");
        const string Off = "\"System.StartupHookProvider.IsSupported\": false";
        Assert.Contains(Off, text, StringComparison.Ordinal);
        File.WriteAllText(config, text.Replace(Off, "\"System.StartupHookProvider.IsSupported\": true", StringComparison.Ordinal));
        return config;
    }
}
