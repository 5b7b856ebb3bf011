namespace Blacksmith.Doubles.Docker;

/// <summary>The docker CLI around the plugin: its global options, and its complaint about commands it does not have.</summary>
internal static class Cli
{
    /// <summary>When set, each invocation's argument vector is appended to this file as one JSON line.</summary>
    public const string LogVariable = "BLACKSMITH_DOCKER_DOUBLE_LOG";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } log)
        {
            await InvocationLog.AppendAsync(log, args);
        }

        Faults faults;
        try
        {
            faults = Faults.FromEnvironment();
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"docker (test double): {ex.Message}");
            return 1;
        }

        var i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            var (flag, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is var equals and > 0
                ? (args[i][..equals], args[i][(equals + 1)..])
                : (args[i], null);
            string Value() => inline ?? (++i < args.Length ? args[i] : string.Empty);
            switch (flag)
            {
                case "--config":
                    // The CLI hands its config directory to the plugin as DOCKER_CONFIG.
                    Environment.SetEnvironmentVariable("DOCKER_CONFIG", Value());
                    break;
                case "-H" or "--host":
                    Environment.SetEnvironmentVariable("DOCKER_HOST", Value());
                    break;
                case "-c" or "--context" or "-l" or "--log-level":
                    _ = Value();
                    break;
                case "-D" or "--debug":
                    Environment.SetEnvironmentVariable("DEBUG", "1");
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown flag: {flag}\nSee 'docker --help'.");
                    return UsageException.FlagError;
            }
        }

        if (i == args.Length)
        {
            await Console.Out.WriteLineAsync("Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers (test double: only `docker buildx`)");
            return 0;
        }

        if (args[i] != "buildx" || faults.NoBuildx is not null)
        {
            await Console.Error.WriteLineAsync(faults.NoBuildx == NoBuildx.OldCli
                ? $"docker: '{args[i]}' is not a docker command.\nSee 'docker --help'"
                : $"docker: unknown command: docker {args[i]}\n\nRun 'docker --help' for more information");
            return 1;
        }

        try
        {
            return await Buildx.RunAsync(args[(i + 1)..], faults);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ex.ExitCode;
        }
        catch (BuildxException ex)
        {
            await Console.Error.WriteLineAsync($"ERROR: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // SIGINT or SIGTERM while a command waited (appcontext): buildx exits 130 on a cancelled context.
            await Console.Error.WriteLineAsync("ERROR: context canceled");
            return 130;
        }
    }
}
