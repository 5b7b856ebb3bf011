namespace Blacksmith.Doubles.Docker;

/// <summary><c>docker buildx ls</c>: the instances and the context's builder, the current one starred (commands/ls.go).</summary>
internal static class LsCommand
{
    public static async Task<int> RunAsync(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx ls").Value("format").Bool("no-trunc");
        var parsed = flags.Parse(args);
        flags.RequireExactly(parsed, 0, "docker buildx ls");
        List<Builder> builders;
        string current;
        using (context.Store.Lock())
        {
            current = Builder.Resolve(context.Store, null).Name;
            builders = [.. context.Store.List().Select(g => new Builder(g, IsDockerContext: false, context.Store.LastActivity(g.Name))), Builder.DockerContext(context.Store)];
        }

        var w = new GoTabWriter();
        w.Line("NAME/NODE\tDRIVER/ENDPOINT\tSTATUS\tBUILDKIT\tPLATFORMS");
        foreach (var builder in builders)
        {
            w.Line($"{builder.Name}{(builder.Name == current ? "*" : string.Empty)}\t{builder.Driver}\t\t\t");
            foreach (var node in await Drivers.LoadNodesAsync(builder, context.Store, CancellationToken.None))
            {
                w.Line($" \\_ {node.Node.Name}\t \\_ {node.Node.Endpoint}\t{node.Status}\t{node.Version}\t{string.Join(", ", node.DisplayPlatforms())}");
            }
        }

        await Console.Out.WriteAsync(w.Flush());
        return 0;
    }
}
