using Blacksmith.Hosting.EntryPoints;
using YamlDotNet.RepresentationModel;

namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// The input descriptions <c>--help</c> shows are the actions' own: every input of action.yml has a flag description
/// with the same words, and says its values, its default and the variables that stand for it.
/// </summary>
public sealed class ActionInputHelpTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var action in new[] { "setup-docker-builder", "build-push-action" })
        {
            foreach (var name in Yaml(action).Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            {
                data.Add(action, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_action_input_has_a_flag_description_with_the_words_of_action_yml(string action, string input)
    {
        var help = Assert.Single(Table(action), h => h.Name == input);
        var yaml = (YamlMappingNode)Yaml(action).Children[new YamlScalarNode(input)];

        Assert.Equal(((YamlScalarNode)yaml.Children[new YamlScalarNode("description")]).Value, help.Description);
        if (yaml.Children.TryGetValue(new YamlScalarNode("default"), out var value) && ((YamlScalarNode)value).Value is { } literal && !literal.StartsWith("${{", StringComparison.Ordinal))
        {
            Assert.StartsWith(literal, help.Default, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_table_has_no_input_the_actions_do_not()
    {
        Assert.Equal(
            [.. Yaml("setup-docker-builder").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal)],
            [.. Table("setup-docker-builder").Select(h => h.Name).Order(StringComparer.Ordinal)]);
        Assert.Equal(
            [.. Yaml("build-push-action").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal)],
            [.. Table("build-push-action").Select(h => h.Name).Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void Every_flag_description_states_the_values_the_default_once_and_both_variables()
    {
        Assert.All(ActionInputs.Setup.Concat(ActionInputs.Post).Concat(ActionInputs.Build), help =>
        {
            var text = help.FlagDescription();
            Assert.Contains(" Values: ", text, StringComparison.Ordinal);
            Assert.Equal(1, Count(text, "Default:"));
            Assert.Contains($"Also {help.Variable};", text, StringComparison.Ordinal);
            Assert.Contains($"(INPUT_{help.Name.ToUpperInvariant()})", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Secret_inputs_say_to_prefer_the_environment_because_a_flag_is_readable_by_any_local_user()
    {
        var secrets = ActionInputs.Setup.Concat(ActionInputs.Build).Where(h => h.Secret).ToList();

        Assert.Equal(["github-token", "secrets", "github-token"], secrets.Select(h => h.Name));
        Assert.All(secrets, help =>
        {
            Assert.Contains($"SECRET: prefer {help.Variable}", help.FlagDescription(), StringComparison.Ordinal);
            Assert.Contains("/proc/<pid>/cmdline", help.FlagDescription(), StringComparison.Ordinal);
        });
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static IEnumerable<InputHelp> Table(string action) =>
        action == "setup-docker-builder" ? ActionInputs.Setup.Concat(ActionInputs.Post) : ActionInputs.Build;

    private static YamlMappingNode Yaml(string action)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(LauncherHarness.RepositoryRoot(), "actions", action, "action.yml")))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return (YamlMappingNode)root.Children[new YamlScalarNode("inputs")];
    }
}
