using YamlDotNet.RepresentationModel;

namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// The two action.yml files: valid YAML, drop-in input and output names and defaults, and a runs: section the runner
/// can start from a checkout of this repository.
/// </summary>
public sealed class ActionMetadataTests
{
    /// <summary>
    /// docker/build-push-action v7's inputs (its action.yml at cb941d0; ../shared/docs/landscape.md §1B and §4.3, and
    /// the readings in ../shared/docs/protocols.md §2.2 and §3.1).
    /// </summary>
    private static readonly string[] DockerBuildPushV7Inputs =
    [
        "add-hosts", "allow", "annotations", "attests", "build-args", "build-contexts", "builder", "cache-from",
        "cache-to", "call", "cgroup-parent", "context", "file", "labels", "load", "network", "no-cache",
        "no-cache-filters", "outputs", "platforms", "provenance", "pull", "push", "sbom", "secrets", "secret-envs",
        "secret-files", "shm-size", "ssh", "tags", "target", "ulimit", "github-token",
    ];

    /// <summary>useblacksmith/setup-docker-builder v1 and v2 inputs (landscape.md §4.1), plus ours.</summary>
    private static readonly string[] SetupDockerBuilderInputs =
    [
        "cache-key", "buildx-version", "buildkit-version", "platforms", "nofallback", "github-token", "driver-opts",
        "max-parallelism", "max-cache-size-mb", "skip-integrity-check", "commit", "job-status",
    ];

    [Fact]
    public void Build_push_action_has_exactly_the_docker_v7_inputs_plus_estargz()
    {
        var action = Load("build-push-action");

        Assert.Equal(
            [.. DockerBuildPushV7Inputs.Append("estargz").Order(StringComparer.Ordinal)],
            [.. Keys(action, "inputs").Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void Build_push_action_keeps_the_docker_v7_defaults()
    {
        var inputs = Mapping(Load("build-push-action"), "inputs");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["load"] = "false",
                ["no-cache"] = "false",
                ["pull"] = "false",
                ["push"] = "false",
                ["github-token"] = "${{ github.token }}",
                ["estargz"] = "false",
            },
            Defaults(inputs));
        Assert.All(Keys(inputs), name => Assert.Equal("false", Scalar(Mapping(inputs, name), "required")));
    }

    [Fact]
    public void Build_push_action_outputs_are_imageid_digest_and_metadata()
    {
        Assert.Equal(["imageid", "digest", "metadata"], Keys(Load("build-push-action"), "outputs"));
    }

    [Fact]
    public void Setup_docker_builder_has_the_upstream_inputs_plus_commit_and_the_hidden_job_status()
    {
        var action = Load("setup-docker-builder");

        Assert.Equal(
            [.. SetupDockerBuilderInputs.Order(StringComparer.Ordinal)],
            [.. Keys(action, "inputs").Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void Setup_docker_builder_defaults_pass_the_job_status_to_post_and_commit_automatically()
    {
        var inputs = Mapping(Load("setup-docker-builder"), "inputs");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["buildx-version"] = "latest",
                ["nofallback"] = "false",
                ["github-token"] = "${{ github.token }}",
                ["skip-integrity-check"] = "false",
                ["commit"] = "auto",
                ["job-status"] = "${{ job.status }}",
            },
            Defaults(inputs));
        Assert.All(Keys(inputs), name => Assert.Equal("false", Scalar(Mapping(inputs, name), "required")));
        Assert.StartsWith("Deprecated", Scalar(Mapping(inputs, "skip-integrity-check"), "description"), StringComparison.Ordinal);
    }

    [Fact]
    public void Setup_docker_builder_outputs_are_setup_buildx_actions_plus_the_job_directory_root_and_address()
    {
        Assert.Equal(["name", "driver", "platforms", "nodes", "job-dir", "buildkit-root", "buildkit-address"], Keys(Load("setup-docker-builder"), "outputs"));
    }

    [Fact]
    public void Setup_docker_builder_post_runs_whatever_happened_before_it()
    {
        var runs = Mapping(Load("setup-docker-builder"), "runs");

        Assert.Equal("always()", Scalar(runs, "post-if"));
        Assert.Equal("post.js", Scalar(runs, "post"));
    }

    [Theory]
    [InlineData("setup-docker-builder", "main", "setup")]
    [InlineData("setup-docker-builder", "post", "post")]
    public void Each_stage_is_a_node24_entry_file_inside_the_action_that_launches_its_verb_when_started_and_exports_run(string action, string stage, string verb)
    {
        var runs = Mapping(Load(action), "runs");
        var entry = Scalar(runs, stage);
        var actionDirectory = Path.Combine(LauncherHarness.RepositoryRoot(), "actions", action);

        var text = File.ReadAllText(Path.Combine(actionDirectory, entry));

        Assert.Equal("node24", Scalar(runs, "using"));
        Assert.DoesNotContain("..", entry, StringComparison.Ordinal);
        // It carries the launcher (LauncherSourceTests) rather than requiring it: nothing outside its folder is loaded.
        Assert.Contains(LauncherSourceTests.Begin, text, StringComparison.Ordinal);
        Assert.DoesNotContain("require('..", text, StringComparison.Ordinal);
        Assert.Contains($"exports.run = () => run('{verb}');", text, StringComparison.Ordinal);
        Assert.Contains($"if (require.main === module) {{\n  launch('{verb}');\n}}", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_push_action_has_no_post_step()
    {
        Assert.DoesNotContain("post", Keys(Load("build-push-action"), "runs"));
    }

    [Fact]
    public void Build_push_action_is_a_composite_whose_one_bash_step_passes_every_input_as_the_runner_names_it_for_node()
    {
        var action = Load("build-push-action");
        var runs = Mapping(action, "runs");
        var step = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(runs.Children[new YamlScalarNode("steps")])));

        Assert.Equal("composite", Scalar(runs, "using"));
        Assert.Equal("bash", Scalar(step, "shell"));
        // The runner's name for a node action's input: INPUT_ and the name upper-cased, spaces to underscores, hyphens kept.
        var expected = Keys(action, "inputs").ToDictionary(
            name => "INPUT_" + name.Replace(' ', '_').ToUpperInvariant(),
            name => $"${{{{ inputs.{name} }}}}");
        var env = Mapping(step, "env");
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Keys(env).Order(StringComparer.Ordinal).Select(k => KeyValuePair.Create(k, Scalar(env, k))));
        Assert.Contains("exec \"$binary\" build", Scalar(step, "run"), StringComparison.Ordinal);
        Assert.DoesNotContain("${{", Scalar(step, "run"), StringComparison.Ordinal);
        Assert.All(Keys(action, "outputs"), name => Assert.Equal($"${{{{ steps.{Scalar(step, "id")}.outputs.{name} }}}}", Scalar(Mapping(Mapping(action, "outputs"), name), "value")));
    }

    [Theory]
    [InlineData("setup-docker-builder")]
    [InlineData("build-push-action")]
    public void Every_input_and_output_is_described(string action)
    {
        var root = Load(action);

        foreach (var section in new[] { "inputs", "outputs" })
        {
            var entries = Mapping(root, section);
            Assert.All(Keys(entries), name => Assert.False(string.IsNullOrWhiteSpace(Scalar(Mapping(entries, name), "description")), $"{section}.{name}"));
        }
    }

    private static YamlMappingNode Load(string action)
    {
        var path = Path.Combine(LauncherHarness.RepositoryRoot(), "actions", action, "action.yml");
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) =>
        Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlMappingNode node, string key) =>
        Assert.IsType<YamlScalarNode>(node.Children[new YamlScalarNode(key)]).Value ?? "";

    private static List<string> Keys(YamlMappingNode node, string key) => Keys(Mapping(node, key));

    private static List<string> Keys(YamlMappingNode node) =>
        [.. node.Children.Keys.Select(k => Assert.IsType<YamlScalarNode>(k).Value!)];

    private static Dictionary<string, string> Defaults(YamlMappingNode inputs) =>
        Keys(inputs)
            .Where(name => Mapping(inputs, name).Children.ContainsKey(new YamlScalarNode("default")))
            .ToDictionary(name => name, name => Scalar(Mapping(inputs, name), "default"));
}
