namespace Blacksmith.Doubles.Docker;

/// <summary><c>docker buildx rm [OPTIONS] [NAME...]</c> (commands/rm.go): each result on stderr, one error at the end.</summary>
internal static class RmCommand
{
    public static async Task<int> RunAsync(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx rm").Bool("keep-state").Bool("keep-daemon").Bool("all-inactive").Bool("force", 'f').Value("timeout");
        var parsed = flags.Parse(args);
        if (parsed.IsTrue("all-inactive"))
        {
            throw new BuildxException("the test double does not support --all-inactive");
        }

        var store = context.Store;
        var names = parsed.Positionals.Count > 0 ? parsed.Positionals : [context.BuilderName(parsed) ?? string.Empty];
        var failed = false;
        using (store.Lock())
        {
            foreach (var name in names)
            {
                try
                {
                    var builder = Builder.Resolve(store, name);
                    if (builder.IsDockerContext)
                    {
                        throw new BuildxException($"context builder cannot be removed, run `docker context rm {builder.Name}` to remove this context");
                    }

                    store.Remove(builder.Name);
                    await Console.Error.WriteLineAsync($"{builder.Name} removed");
                }
                catch (BuildxException ex)
                {
                    failed = true;
                    await Console.Error.WriteLineAsync($"failed to remove {name}: {ex.Message}");
                }
            }
        }

        return failed ? throw new BuildxException("failed to remove one or more builders") : 0;
    }
}
