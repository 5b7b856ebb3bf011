namespace Blacksmith.Doubles.Docker;

/// <summary>What every buildx command gets: the store, the faults, and the root's <c>--builder</c> (or BUILDX_BUILDER).</summary>
internal sealed record BuildxContext(BuildxStore Store, Faults Faults, string? RootBuilder, bool RootDebug)
{
    /// <summary>The builder a command was pointed at: its own <c>--builder</c>, else the root's, else none (the current one).</summary>
    public string? BuilderName(ParsedFlags flags) => flags.Last("builder") ?? RootBuilder;

    /// <summary>docker/cli's debug.IsEnabled: <c>-D</c>, or DEBUG set (docker/actions-toolkit inspects with DEBUG=1).</summary>
    public bool Debug(ParsedFlags flags) =>
        RootDebug || flags.IsTrue("debug") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DEBUG"));
}
