namespace Blacksmith.Doubles.Docker;

/// <summary>The buildx plugin: root flags, then one subcommand.</summary>
internal static class Buildx
{
    /// <summary>What <c>docker buildx version</c> prints (version.Package, version.Version, version.Revision).</summary>
    public const string VersionLine = "github.com/docker/buildx v0.23.0 28c90ea";

    private const string Help = """
        Usage:  docker buildx [OPTIONS] COMMAND

        Extended build capabilities with BuildKit

        Options:
              --builder string   Override the configured builder instance (default "default")
          -D, --debug            Enable debug logging

        Management Commands:
          (none in the test double)

        Commands:
          build       Start a build
          create      Create a new builder instance
          inspect     Inspect current builder instance
          ls          List builder instances
          rm          Remove one or more builder instances
          use         Set the current builder instance
          version     Show buildx version information

        Run 'docker buildx COMMAND --help' for more information on a command.
        """;

    public static async Task<int> RunAsync(string[] args, Faults faults)
    {
        var builder = Environment.GetEnvironmentVariable("BUILDX_BUILDER") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var debug = false;
        var i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            switch (args[i])
            {
                case "--builder" when i + 1 < args.Length:
                    builder = args[++i];
                    break;
                case var a when a.StartsWith("--builder=", StringComparison.Ordinal):
                    builder = a["--builder=".Length..];
                    break;
                case "-D" or "--debug":
                    debug = true;
                    break;
                default:
                    throw new UsageException($"unknown flag: {args[i]}\nSee 'docker buildx --help'.", UsageException.FlagError);
            }
        }

        if (i == args.Length)
        {
            // What docker/actions-toolkit's isAvailable() runs: help and exit 0.
            await Console.Out.WriteLineAsync(Help);
            return 0;
        }

        var context = new BuildxContext(BuildxStore.FromEnvironment(), faults, builder, debug);
        var rest = args[(i + 1)..];
        switch (args[i])
        {
            case "version":
                var flags = new FlagSet("docker buildx version");
                flags.RequireExactly(flags.Parse(rest), 0, "docker buildx version");
                await Console.Out.WriteLineAsync(faults.Version ?? VersionLine);
                return 0;
            case "create":
                return await CreateCommand.RunAsync(context, rest);
            case "use":
                return UseCommand.Run(context, rest);
            case "inspect":
                return await InspectCommand.RunAsync(context, rest);
            case "ls":
                return await LsCommand.RunAsync(context, rest);
            case "rm":
                return await RmCommand.RunAsync(context, rest);
            case "build" or "b":
                return await BuildCommand.RunAsync(context, rest);
            default:
                await Console.Out.WriteLineAsync(Help);
                throw new UsageException($"ERROR: unknown command: \"{args[i]}\"", 1);
        }
    }
}
