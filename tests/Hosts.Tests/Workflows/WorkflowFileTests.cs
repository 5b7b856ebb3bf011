using System.Text.Json;
using System.Text.RegularExpressions;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Workflows;

/// <summary>
/// The repository's GitHub workflows (CI, releases, dogfood), read by GitHub's own workflow parser: valid against
/// GitHub's schema and expression rules, every third-party action pinned by commit, and the jobs, runners and steps each
/// workflow exists for are there. What only a run on GitHub can show is in docs/dogfood.md.
/// </summary>
public sealed partial class WorkflowFileTests
{
    private const string SetupAction = "./actions/setup-docker-builder";
    private const string BuildAction = "./actions/build-push-action";

    public static TheoryData<string> Files() => [.. WorkflowParser.Expected];

    [Fact]
    public async Task The_repository_has_exactly_the_ci_release_and_dogfood_workflows()
    {
        var files = (await WorkflowParser.AllAsync()).Select(w => w.File).Order(StringComparer.Ordinal).ToList();

        Assert.Equal([.. WorkflowParser.Expected.Order(StringComparer.Ordinal)], files);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task GitHubs_workflow_parser_finds_no_error(string file)
    {
        var workflow = await WorkflowParser.ParseAsync(file);

        Assert.Empty(workflow.Errors);
        Assert.NotEmpty(workflow.Jobs);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_third_party_action_is_pinned_by_a_full_commit_sha_with_its_version_in_a_comment(string file)
    {
        var workflow = await WorkflowParser.ParseAsync(file);
        var lines = WorkflowParser.Lines(file);
        // From the document, which the parser reads even from a file it finds errors in.
        var thirdParty = workflow.At("jobs").EnumerateObject()
            .Where(job => job.Value.TryGetProperty("steps", out _))
            .SelectMany(job => job.Value.GetProperty("steps").EnumerateArray())
            .Where(step => step.TryGetProperty("uses", out _))
            .Select(step => step.GetProperty("uses").GetString()!)
            .Where(uses => !uses.StartsWith("./", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.NotEmpty(thirdParty);
        Assert.All(thirdParty, uses =>
        {
            Assert.Matches(PinnedAction(), uses);
            Assert.Contains(lines, line => UsesLine().Match(line) is { Success: true } m && m.Groups["uses"].Value == uses && VersionComment().IsMatch(m.Groups["comment"].Value));
        });
        // A job that calls a reusable workflow calls one of ours, by path, never another repository's by tag.
        foreach (var job in workflow.At("jobs").EnumerateObject().Where(j => j.Value.TryGetProperty("uses", out _)))
        {
            var called = job.Value.GetProperty("uses").GetString()!;
            Assert.StartsWith("./.github/workflows/", called, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Checkout.Root, called)), $"{file}: job {job.Name} calls {called}, which does not exist");
        }
    }

    [Fact]
    public async Task Ci_runs_on_pull_requests_and_pushes_to_main_and_can_be_called_by_the_release()
    {
        var ci = await WorkflowParser.ParseAsync("ci.yml");

        Assert.True(ci.Has("on", "pull_request"));
        Assert.Equal(["main"], Strings(ci.At("on", "push", "branches")));
        Assert.True(ci.Has("on", "workflow_call"));
        Assert.Equal("read", ci.At("permissions", "contents").GetString());
    }

    [Fact]
    public async Task Ci_runs_ci_run_as_root_on_a_hosted_linux_runner_with_the_pinned_sdk_and_node_24()
    {
        var job = (await WorkflowParser.ParseAsync("ci.yml")).Job("test");

        Assert.Equal("ubuntu-24.04", job.RunsOn.GetString());
        Assert.Contains(job.Steps, s => s.Uses?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true);
        Assert.Contains(job.Steps, s => s.Uses?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true);
        // The tests that need root run as root: through passwordless sudo, keeping the environment and PATH.
        Assert.Equal("sudo -E env \"PATH=$PATH\" bash .ci/run", Assert.Single(job.Steps, s => s.Run?.Contains(".ci/run", StringComparison.Ordinal) == true).Run!.Trim());
        Assert.Contains(job.Steps, s => s.Run?.Contains("apt-get install", StringComparison.Ordinal) == true && s.Run.Contains("strace", StringComparison.Ordinal));
    }

    [Fact]
    public void Ci_run_requires_the_root_only_tests_and_runs_the_readmes_test_command_after_installing_the_npm_tools()
    {
        var run = File.ReadAllText(Path.Combine(Checkout.Root, ".ci", "run"));
        var readme = File.ReadAllText(Path.Combine(Checkout.Root, "README.md"));
        // The Quick start's block: the demo, then the test command.
        var quickStart = QuickStart().Match(readme);
        Assert.True(quickStart.Success, "README.md's Quick start has no sh block");
        var testCommand = quickStart.Groups["block"].Value.Trim().Split('\n')[^1].Trim();

        Assert.Equal("dotnet test", testCommand);
        foreach (var variable in new[] { "BLACKSMITH_REQUIRE_LOOP_DEVICES", "BLACKSMITH_REQUIRE_NETNS", "BLACKSMITH_REQUIRE_NODE" })
        {
            Assert.Contains($"export {variable}=1", run, StringComparison.Ordinal);
        }

        var install = run.IndexOf("npm ci --prefix tests/node", StringComparison.Ordinal);
        var test = run.IndexOf($"\n{testCommand} 2>&1 | tee \"$log\"", StringComparison.Ordinal);
        Assert.True(install > 0 && test > install, ".ci/run installs tests/node with npm ci, then runs the README's test command");
        Assert.Equal(1, Regex.Count(run, @"^\s*dotnet ", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Release_builds_each_architecture_with_eng_publish_on_a_runner_of_that_architecture()
    {
        var release = await WorkflowParser.ParseAsync("release.yml");
        var matrix = release.At("jobs", "build", "strategy", "matrix", "include").EnumerateArray()
            .Select(e => (e.GetProperty("rid").GetString(), e.GetProperty("runner").GetString())).ToList();
        var build = release.Job("build");

        Assert.Equal([("linux-x64", "ubuntu-24.04"), ("linux-arm64", "ubuntu-24.04-arm")], matrix);
        Assert.Equal("${{ matrix.runner }}", build.RunsOn.GetString());
        Assert.Contains(build.Steps, s => s.Run?.Trim() == "eng/publish.sh ${{ matrix.rid }}");
        // Stamped with the release's version, which the smoke test reads back from --version.
        var publish = release.At("jobs", "build", "steps").EnumerateArray().Single(s => s.TryGetProperty("run", out var run) && run.GetString()!.StartsWith("eng/publish.sh", StringComparison.Ordinal));
        Assert.Equal("${{ needs.check.outputs.version }}", publish.GetProperty("env").GetProperty("VERSION").GetString());
    }

    [Fact]
    public async Task Release_smoke_tests_both_executables_of_each_build_before_uploading_them()
    {
        var build = (await WorkflowParser.ParseAsync("release.yml")).Job("build");
        var smoke = IndexOf(build.Steps, s => s.Run?.Contains("--help", StringComparison.Ordinal) == true);
        var upload = IndexOf(build.Steps, s => s.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        var script = build.Steps[smoke].Run!;

        Assert.InRange(smoke, 0, upload - 1);
        Assert.Contains("for exe in blacksmith blacksmith-agent; do", script, StringComparison.Ordinal);
        Assert.Contains("\"$dist/$exe\" --help", script, StringComparison.Ordinal);
        Assert.Contains("[[ \"$version\" == \"$VERSION+\"* ]]", script, StringComparison.Ordinal);
        Assert.Contains("\"$dist/blacksmith\" diagram", script, StringComparison.Ordinal);
        Assert.Contains("docs/state-diagram.md", script, StringComparison.Ordinal);
        Assert.Contains("\"$dist/blacksmith\" run --simulate", script, StringComparison.Ordinal);
        Assert.Contains("committed generation 2 (started from 1)", script, StringComparison.Ordinal);
        // The glibc the binaries need stays what actions/README.md promises.
        Assert.Contains("objdump -T \"$dist/$exe\"", script, StringComparison.Ordinal);
        Assert.Contains("2.34", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_commits_dist_on_a_commit_only_tags_reach_and_moves_the_major_tag()
    {
        var release = await WorkflowParser.ParseAsync("release.yml");
        var publish = release.Job("publish");
        var script = Assert.Single(publish.Steps, s => s.Run?.Contains("git commit", StringComparison.Ordinal) == true).Run!;
        var pushes = script.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("git push", StringComparison.Ordinal)).ToList();

        Assert.Equal(["check", "build"], publish.Needs);
        Assert.Equal("write", release.At("jobs", "publish", "permissions", "contents").GetString());
        Assert.Contains("git add -f dist/SHA256SUMS dist/linux-x64 dist/linux-arm64", script, StringComparison.Ordinal);
        Assert.DoesNotContain("git checkout -b", script, StringComparison.Ordinal);
        Assert.DoesNotContain("git switch", script, StringComparison.Ordinal);
        // Only tags are pushed: the new version's, never forced, and the major tag's, moved.
        Assert.Equal(["git push origin \"refs/tags/v$VERSION\"", "git push --force origin \"refs/tags/$MAJOR\""], pushes);
        Assert.Contains("git tag -a \"v$VERSION\"", script, StringComparison.Ordinal);
        Assert.Contains("git tag -f -a \"$MAJOR\"", script, StringComparison.Ordinal);
        Assert.Equal("v${VERSION%%.*}", MajorExpression().Match(release.Job("check").Steps.Single(s => s.Id == "version").Run!).Groups["major"].Value);
    }

    [Fact]
    public async Task Release_runs_from_main_builds_only_after_the_tests_pass_and_dogfoods_the_new_tag()
    {
        var release = await WorkflowParser.ParseAsync("release.yml");
        var check = release.Job("check").Steps.Single(s => s.Id == "version").Run!;

        Assert.True(release.Has("on", "workflow_dispatch", "inputs", "version"));
        Assert.Contains("refs/heads/main", check, StringComparison.Ordinal);
        Assert.Equal("./.github/workflows/ci.yml", release.At("jobs", "test", "uses").GetString());
        Assert.Equal(["check", "test"], release.Job("build").Needs);
        Assert.Equal("./.github/workflows/dogfood.yml", release.At("jobs", "dogfood", "uses").GetString());
        Assert.Equal(["check", "publish"], release.Job("dogfood").Needs);
        Assert.Equal("v${{ needs.check.outputs.version }}", release.At("jobs", "dogfood", "with", "ref").GetString());
    }

    [Fact]
    public async Task Dogfood_runs_both_actions_from_the_checked_out_release_in_two_setup_build_post_cycles_in_one_job()
    {
        var dogfood = await WorkflowParser.ParseAsync("dogfood.yml");
        var job = Assert.Single(dogfood.Jobs);
        var steps = job.Steps;
        var checkout = IndexOf(steps, s => s.Uses?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true);
        var actions = steps.Where(s => s.Uses?.StartsWith("./", StringComparison.Ordinal) == true).Select(s => s.Uses).ToList();
        var post = IndexOf(steps, s => s.Run?.Trim() == "node ./actions/setup-docker-builder/post.js");
        int Index(string id) => IndexOf(steps, s => s.Id == id);

        Assert.Equal("ubuntu-24.04", job.RunsOn.GetString());
        Assert.Equal("${{ inputs.ref }}", dogfood.At("jobs", job.Id, "steps", checkout, "with", "ref").GetString());
        Assert.True(dogfood.Has("on", "workflow_dispatch", "inputs", "ref") && dogfood.Has("on", "workflow_call", "inputs", "ref"));
        Assert.Equal([SetupAction, BuildAction, SetupAction, BuildAction], actions);
        // Cycle 1's post runs between its build and cycle 2's setup; cycle 2's is the runner's own, at the job's end.
        Assert.True(Index("setup1") < Index("build1") && Index("build1") < post && post < Index("setup2") && Index("setup2") < Index("build2"));
        Assert.Equal("success", Env(dogfood, job.Id, post, "INPUT_JOB-STATUS"));
        // Each cycle is a job directory of its own, shared by its setup, build and post.
        var cycle1 = Env(dogfood, job.Id, Index("setup1"), "BLACKSMITH_JOB_DIR");
        var cycle2 = Env(dogfood, job.Id, Index("setup2"), "BLACKSMITH_JOB_DIR");
        Assert.NotEqual(cycle1, cycle2);
        Assert.Equal([cycle1, cycle1], new[] { Env(dogfood, job.Id, Index("build1"), "BLACKSMITH_JOB_DIR"), Env(dogfood, job.Id, post, "BLACKSMITH_JOB_DIR") });
        Assert.Equal(cycle2, Env(dogfood, job.Id, Index("build2"), "BLACKSMITH_JOB_DIR"));
        // A fallback builder would pass without the sticky disk. Inputs reach an action as strings.
        Assert.All(new[] { "setup1", "setup2" }, id => Assert.Equal("true", dogfood.At("jobs", job.Id, "steps", Index(id), "with", "nofallback").GetString()));
    }

    [Fact]
    public async Task Dogfood_asserts_that_cycle_1_committed_and_cycle_2_started_from_that_commit_with_its_build_cached()
    {
        var dogfood = await WorkflowParser.ParseAsync("dogfood.yml");
        var steps = Assert.Single(dogfood.Jobs).Steps;
        int Index(string id) => IndexOf(steps, s => s.Id == id);
        int After(int from, string text) => IndexOf(steps, from + 1, s => s.Run?.Contains(text, StringComparison.Ordinal) == true);

        var committed = After(Index("build1"), ".generations[].number] == [1]");
        var started = After(Index("setup2"), ".baseGeneration] == [1]");
        var cached = After(Index("build2"), "grep -qx \"$step CACHED\"");

        Assert.True(committed > 0 && committed < Index("setup2"), "after cycle 1's post: the store holds generation 1 and status --json says commit");
        Assert.Contains("blacksmith status --json", steps[committed].Run!, StringComparison.Ordinal);
        Assert.True(started > 0 && started < Index("build2"), "cycle 2's disk is a clone of generation 1");
        Assert.True(cached > 0, "cycle 2's build log shows its RUN step CACHED");
        Assert.Contains("blacksmith status --json", steps[cached].Run!, StringComparison.Ordinal);
        // And cycle 1's build was not: the cache came from the disk, not from something else on the runner.
        Assert.Contains(steps.Skip(Index("build1") + 1).Take(Index("setup2") - Index("build1")), s => s.Run?.Contains("! grep -qx \"$step CACHED\"", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Dogfood_installs_buildkit_and_buildx_from_their_github_releases_at_pinned_versions_and_checks_their_sha256()
    {
        var dogfood = await WorkflowParser.ParseAsync("dogfood.yml");
        var runs = string.Join('\n', Assert.Single(dogfood.Jobs).Steps.Select(s => s.Run).OfType<string>());

        foreach (var tool in new[] { "BUILDKIT", "BUILDX" })
        {
            Assert.Matches(@"^v\d+\.\d+\.\d+$", dogfood.At("env", $"{tool}_VERSION").GetString());
            Assert.Matches("^[0-9a-f]{64}$", dogfood.At("env", $"{tool}_SHA256").GetString());
            Assert.Contains($"echo \"${tool}_SHA256  ", runs, StringComparison.Ordinal);
        }

        Assert.Contains("https://github.com/moby/buildkit/releases/download/$BUILDKIT_VERSION/buildkit-$BUILDKIT_VERSION.linux-amd64.tar.gz", runs, StringComparison.Ordinal);
        Assert.Contains("https://github.com/docker/buildx/releases/download/$BUILDX_VERSION/buildx-$BUILDX_VERSION.linux-amd64", runs, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(runs, @"sha256sum --check --strict"));
    }

    [Fact]
    public async Task Dogfood_uses_the_embedded_local_store_and_nothing_that_would_pick_blacksmiths_agent()
    {
        var dogfood = await WorkflowParser.ParseAsync("dogfood.yml");
        var text = string.Join('\n', WorkflowParser.Lines("dogfood.yml"));

        Assert.Contains("\"mode\": \"LoopDevice\"", Assert.Single(dogfood.Jobs).Steps.Single(s => s.Run?.Contains("store.json", StringComparison.Ordinal) == true).Run!, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_DATA_DIR=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BLACKSMITH_VM_ID", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BLACKSMITH_AGENT_ADDRESS", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BLACKSMITH_STICKYDISK_TOKEN", text, StringComparison.Ordinal);
    }

    private static int IndexOf(IReadOnlyList<ParsedStep> steps, Func<ParsedStep, bool> match) => IndexOf(steps, 0, match);

    private static int IndexOf(IReadOnlyList<ParsedStep> steps, int start, Func<ParsedStep, bool> match)
    {
        for (var i = start; i < steps.Count; i++)
        {
            if (match(steps[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Env(ParsedWorkflow workflow, string job, int step, string name) =>
        workflow.At("jobs", job, "steps", step, "env", name).GetString();

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    // owner/repo[/path]@<40 hex>: a commit, which no one can move, unlike a tag or a branch.
    [GeneratedRegex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"^\s*(-\s+)?uses:\s*(?<uses>[^\s#]+)\s*(#\s*(?<comment>.*))?$")]
    private static partial Regex UsesLine();

    [GeneratedRegex(@"^v\d+(\.\d+){0,2}$")]
    private static partial Regex VersionComment();

    [GeneratedRegex("## Quick start.*?```sh\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickStart();

    [GeneratedRegex("major=(?<major>[^\"]+)\"")]
    private static partial Regex MajorExpression();
}
