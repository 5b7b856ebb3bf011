using System.CommandLine;
using Blacksmith.Cli.Verbs;

namespace Blacksmith.Cli;

/// <summary>The blacksmith command tree: every verb with its options. The docs tests read it to check what the docs name.</summary>
internal static class BlacksmithCommandLine
{
    public static RootCommand Create() => new("blacksmith: the builder lifecycle of Docker builds in CI (setup, build, post) with a persistent BuildKit cache.")
    {
        CommonOptions.Verbose,
        SetupVerb.Create(),
        BuildVerb.Create(),
        PostVerb.Create(),
        RunVerb.Create(),
        StatusVerb.Create(),
        DiagramVerb.Create(),
        StoreVerb.Create(),
        LeftoversVerb.Create(),
        ReplayVerb.Create(),
    };
}
