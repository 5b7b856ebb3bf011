namespace Blacksmith.Doubles.Docker;

/// <summary><c>docker buildx use [OPTIONS] NAME</c> (commands/use.go).</summary>
internal static class UseCommand
{
    public static int Run(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx use").Bool("global").Bool("default");
        var parsed = flags.Parse(args);
        flags.RequireAtMost(parsed, 1, "docker buildx use [OPTIONS] NAME");
        var name = parsed.Positionals.FirstOrDefault() ?? context.BuilderName(parsed) ?? string.Empty;
        var store = context.Store;
        using (store.Lock())
        {
            if (!BuildxStore.IsValidName(name))
            {
                throw new BuildxException(
                    $"failed to find instance \"{name}\": invalid name {name}, name needs to start with a letter and may not contain symbols, except ._-");
            }

            if (store.Find(name) is null)
            {
                if (name == Builder.DefaultName)
                {
                    // The docker context's builder is selected by naming no instance.
                    store.SetCurrent(string.Empty, global: false);
                    return 0;
                }

                throw new BuildxException(
                    $"failed to find instance \"{name}\": open {Path.Combine(store.Directory, "instances", name.ToLowerInvariant())}: no such file or directory");
            }

            store.SetCurrent(name.ToLowerInvariant(), parsed.IsTrue("global"));
        }

        return 0;
    }
}
