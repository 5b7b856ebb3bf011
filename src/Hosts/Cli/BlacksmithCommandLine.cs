using System.CommandLine;
using Blacksmith.Cli.Verbs;

namespace Blacksmith.Cli;

/// <summary>The blacksmith command tree: every verb with its options. The docs tests read it to check what the docs name.</summary>
internal static class BlacksmithCommandLine
{
    private const string Description = "blacksmith: the builder lifecycle of Docker builds in CI (setup, build, post) with a persistent BuildKit cache.";

    // Each verb by the name it is typed as. Building a verb makes every one of its options and their descriptions,
    // which every step process would otherwise pay for the eight verbs it does not run.
    private static readonly (string Name, Func<Command> Create)[] Verbs =
    [
        ("setup", SetupVerb.Create),
        ("build", BuildVerb.Create),
        ("post", PostVerb.Create),
        ("run", RunVerb.Create),
        ("status", StatusVerb.Create),
        ("diagram", DiagramVerb.Create),
        ("store", StoreVerb.Create),
        ("leftovers", LeftoversVerb.Create),
        ("replay", ReplayVerb.Create),
    ];

    /// <summary>The whole tree: every verb.</summary>
    public static RootCommand Create() => Root(Verbs.Select(v => v.Create()));

    /// <summary>
    /// The tree to parse <paramref name="arguments"/> with: when they start with a verb's name, the root with that verb
    /// alone, which parses, helps and fails on those arguments as the whole tree does; otherwise (the root's own help,
    /// a flag first, a mistyped verb, a response file) the whole tree, so that the root's help and errors list every verb.
    /// </summary>
    public static RootCommand For(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        foreach (var (name, create) in Verbs)
        {
            if (arguments.Count > 0 && string.Equals(arguments[0], name, StringComparison.Ordinal))
            {
                return Root([create()]);
            }
        }

        return Create();
    }

    private static RootCommand Root(IEnumerable<Command> verbs)
    {
        var root = new RootCommand(Description) { CommonOptions.Verbose };
        foreach (var verb in verbs)
        {
            root.Subcommands.Add(verb);
        }

        return root;
    }
}
