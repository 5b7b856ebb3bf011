using System.Text.Json;
using System.Text.RegularExpressions;
using Blacksmith.Hosts.Tests.EndToEnd;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary><c>blacksmith replay</c> as users run it: exit 0 when expectations hold, 1 when not (saying which), 2 on a malformed file (saying where).</summary>
public sealed class ReplayVerbTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-replay-verb-");

    [Fact]
    public async Task A_scenario_whose_expectations_hold_exits_0_and_prints_the_timeline_decision_and_outputs()
    {
        var result = await ReplayAsync(ScenarioLibrary.PathOf("failed-build-skips-the-commit-and-releases-the-disk.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("BuildFinished", result.Output, StringComparison.Ordinal);
        Assert.Contains("Decision: skip, BuildFailed", result.Output, StringComparison.Ordinal);
        Assert.Contains("commit = skipped", result.Output, StringComparison.Ordinal);
        Assert.Contains("Expectations: all met", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_carries_the_same_report_for_machines()
    {
        var result = await ReplayAsync(ScenarioLibrary.PathOf("happy-path-commits-the-disk.json"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Output);
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("commit", report.RootElement.GetProperty("decision").GetProperty("decision").GetString());
        Assert.Equal(14, report.RootElement.GetProperty("timeline").GetArrayLength());
        Assert.Equal("requested", report.RootElement.GetProperty("outputs").GetProperty("commit").GetString());
    }

    [Fact]
    public async Task What_the_sweep_did_about_each_other_jobs_claim_is_in_the_text_and_the_json_report()
    {
        var scenario = ScenarioLibrary.PathOf("busy-unmount-in-the-sweep-keeps-the-claim-and-releases-nothing.json");

        var text = await ReplayAsync(scenario);
        var json = await ReplayAsync(scenario, "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("/home/runner/_work/_temp/blacksmith/7001-build-1: claim kept, its runner's Runner.Worker (pid 3100) has ended", text.Output, StringComparison.Ordinal);
        Assert.Contains("could not: could not unmount /var/lib/blacksmith/roots/7001-build-1", text.Output, StringComparison.Ordinal);
        Assert.Contains("holds:     /dev/loop3 mounted at /var/lib/blacksmith/roots/7001-build-1, exposure exp-7001", text.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var report = JsonDocument.Parse(json.Output);
        var leftover = Assert.Single(report.RootElement.GetProperty("leftovers").EnumerateArray());
        Assert.Equal("Kept", leftover.GetProperty("outcome").GetString());
        Assert.Equal(0, leftover.GetProperty("released").GetArrayLength());
        Assert.Equal(0, leftover.GetProperty("committed").GetArrayLength());
        Assert.True(leftover.GetProperty("claimKept").GetBoolean());
        Assert.Contains(leftover.GetProperty("calls").EnumerateArray(), c => c.GetProperty("call").GetString() == "blockdevice.unmount");
    }

    [Fact]
    public async Task Unmet_expectations_exit_1_and_say_which()
    {
        var file = Write("wrong.json", """
            { "base": "healthy", "job": [{ "host": "setup" }, { "host": "post" }], "expect": { "decision": "skip" } }
            """);

        var result = await ReplayAsync(file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("decision: expected skip, got commit", result.Errors + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_scenario_exits_2_and_says_where()
    {
        var file = Write("typo.json", "{\n  \"job\": [{ \"host\": \"setup\", \"cachekey\": \"x\" }],\n  \"expect\": {}\n}\n");

        var result = await ReplayAsync(file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{file}:2:", result.Errors, StringComparison.Ordinal);
        Assert.Contains("$.job[0].cachekey", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_journal_of_a_run_replays_to_the_same_decision()
    {
        var job = Path.Combine(_dir.FullName, "job");
        var run = await CliProcess.RunAsync([BlacksmithBinary.Path, "run", "--job-dir", job, "--data-dir", Path.Combine(_dir.FullName, "data"), "--fail-build", "2"],
            new Dictionary<string, string?> { ["BLACKSMITH_JOB_DIR"] = null, ["BLACKSMITH_DATA_DIR"] = null }, Ct);
        Assert.True(run.ExitCode == 1, run.ToString());

        var result = await ReplayAsync(job);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Decision: skip, BuildFailed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fault_matrix_rewrites_only_the_generated_tables_of_its_output_file_and_keeps_the_prose()
    {
        var document = await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "docs", "reliability.md"), Ct);
        var prose = "A paragraph written by hand, which no generator knows.";
        var stale = Regex.Replace(document, @"(?<=<!-- generated: matrix -->\n)(?s:.*?)(?=<!-- end: matrix -->)", "stale\n");
        var path = Write("reliability.md", stale.Replace("## Problems", prose + "\n\n## Problems", StringComparison.Ordinal));

        var result = await ReplayAsync("--fault-matrix", "--output", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(document.Replace("## Problems", prose + "\n\n## Problems", StringComparison.Ordinal), await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public async Task A_fault_matrix_output_file_without_a_generated_region_is_refused_in_one_line_naming_it()
    {
        var document = await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "docs", "reliability.md"), Ct);
        var path = Write("reliability.md", document.Replace("<!-- generated: sweep-matrix -->\n", "", StringComparison.Ordinal));

        var result = await ReplayAsync("--fault-matrix", "--output", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no region for sweep-matrix", Assert.Single(result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    // Without GITHUB_ACTIONS: on a GitHub runner (the project's CI workflow) the CLI would report a mistake on standard
    // output as an annotation; these tests pin the plain message on standard error that every other machine gets.
    private static Task<CliResult> ReplayAsync(params string[] arguments) =>
        CliProcess.RunAsync([BlacksmithBinary.Path, "replay", .. arguments], new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = null }, cancellationToken: Ct);
}
