using System.CommandLine;
using Blacksmith.Cli.Verbs;

namespace Blacksmith.Cli;

/// <summary>The blacksmith command tree: every verb with its options. The docs tests read it to check what the docs name.</summary>
internal static class BlacksmithCommandLine
{
    private const string Description = "blacksmith: the builder lifecycle of Docker builds in CI (setup, build, post) with a persistent BuildKit cache.";

    // Each verb by the name it is typed as. Building a verb makes every one of its options and their descriptions,
    // which every step process would otherwise pay for the eight verbs it does not run.
    // The argument says whether the verb's options carry their help text (only the hosts' input flags leave it out).
    private static readonly (string Name, Func<bool, Command> Create)[] Verbs =
    [
        ("setup", SetupVerb.Create),
        ("build", BuildVerb.Create),
        ("post", PostVerb.Create),
        ("run", _ => RunVerb.Create()),
        ("status", _ => StatusVerb.Create()),
        ("diagram", _ => DiagramVerb.Create()),
        ("store", _ => StoreVerb.Create()),
        ("leftovers", _ => LeftoversVerb.Create()),
        ("replay", _ => ReplayVerb.Create()),
    ];

    /// <summary>
    /// Parses <paramref name="arguments"/> as the whole tree does. A step's own command line, its verb and nothing else
    /// (what the launchers and the composite action run), is parsed under a bare root: a <see cref="RootCommand"/> builds
    /// its help and version options when it is made, and their descriptions come through a ResourceManager whose first
    /// use warms Native AOT's reflection up, about 5 % of a post with nothing to clean up. Nothing but the verb leaves
    /// no token for either option to take, so the parse is the same; nor does it show help, so the verb's flags are made
    /// without their help text. One that fails is parsed again under the real root, whose messages and help it then
    /// reports.
    /// </summary>
    public static ParseResult Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 1 && Verb(arguments[0]) is { } create)
        {
            var bare = new Command("blacksmith", Description) { CommonOptions.Verbose };
            bare.Subcommands.Add(create(false));
            var parse = bare.Parse(arguments);
            if (parse.Errors.Count == 0)
            {
                return parse;
            }
        }

        return For(arguments).Parse(arguments);
    }

    /// <summary>The whole tree: every verb.</summary>
    public static RootCommand Create() => Root(Verbs.Select(v => v.Create(true)));

    /// <summary>
    /// The tree to parse <paramref name="arguments"/> with: when they start with a verb's name, the root with that verb
    /// alone, which parses, helps and fails on those arguments as the whole tree does; otherwise (the root's own help,
    /// a flag first, a mistyped verb, a response file) the whole tree, so that the root's help and errors list every verb.
    /// </summary>
    public static RootCommand For(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.Count > 0 && Verb(arguments[0]) is { } create ? Root([create(true)]) : Create();
    }

    private static Func<bool, Command>? Verb(string name)
    {
        foreach (var (verb, create) in Verbs)
        {
            if (string.Equals(verb, name, StringComparison.Ordinal))
            {
                return create;
            }
        }

        return null;
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
