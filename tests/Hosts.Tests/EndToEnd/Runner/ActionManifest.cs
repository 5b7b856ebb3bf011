using YamlDotNet.RepresentationModel;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// What the runner takes from an action's <c>action.yml</c>: the entry files of main and post, post's condition, and
/// each input's default expression, which it evaluates again for every stage (protocols §1.1, §1.6); for a composite
/// action (one bash step, as build-push-action has), that step's script and environment instead of entry files.
/// </summary>
internal sealed record ActionManifest(string Directory, string Main, string? Post, string PostIf, IReadOnlyDictionary<string, string> Defaults)
{
    /// <summary>The one bash step of a composite action, or null for a node action.</summary>
    public CompositeStep? Composite { get; init; }

    public static ActionManifest Load(string directory)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(directory, "action.yml")))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var runs = (YamlMappingNode)root.Children[new YamlScalarNode("runs")];
        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.Children.TryGetValue(new YamlScalarNode("inputs"), out var inputs))
        {
            foreach (var (name, input) in ((YamlMappingNode)inputs).Children)
            {
                if (input is YamlMappingNode declared && Scalar(declared, "default") is { } value)
                {
                    defaults[((YamlScalarNode)name).Value!] = value;
                }
            }
        }

        var using_ = Scalar(runs, "using");
        if (using_ == "composite")
        {
            var steps = (YamlSequenceNode)runs.Children[new YamlScalarNode("steps")];
            if (steps.Children.Count != 1 || steps[0] is not YamlMappingNode step || Scalar(step, "shell") != "bash")
            {
                throw new NotSupportedException($"the simulator runs a composite of one bash step only; {directory} has another");
            }

            var env = ((YamlMappingNode)step.Children[new YamlScalarNode("env")]).Children.ToDictionary(
                e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!, StringComparer.Ordinal);
            return new ActionManifest(directory, "", null, "always()", defaults)
            {
                Composite = new CompositeStep(Scalar(step, "run") ?? throw new InvalidOperationException($"{directory}/action.yml's step has no run"), env),
            };
        }

        if (using_ is not ("node20" or "node24"))
        {
            throw new NotSupportedException($"the simulator runs node and composite actions only; {directory} uses {using_}");
        }

        return new ActionManifest(
            directory,
            Scalar(runs, "main") ?? throw new InvalidOperationException($"{directory}/action.yml has no runs.main"),
            Scalar(runs, "post"),
            Scalar(runs, "post-if") ?? "always()",
            defaults);
    }
}
