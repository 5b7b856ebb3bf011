namespace Blacksmith.Doubles.Docker;

/// <summary><c>docker buildx create [OPTIONS] [CONTEXT|ENDPOINT]</c> (commands/create.go, builder.Create).</summary>
internal static class CreateCommand
{
    private const string Usage = "docker buildx create [OPTIONS] [CONTEXT|ENDPOINT]";

    // driver/remote/factory.go accepts these driver options and nothing else.
    private static readonly string[] RemoteDriverOptions = ["key", "cert", "cacert", "servername", "default-load"];

    private static readonly string[] RemoteSchemes = ["docker-container", "kube-pod", "npipe", "ssh", "tcp", "unix"];

    private static readonly string[] Adjectives = ["admiring", "brave", "eager", "focused", "jolly", "nifty", "quirky", "zealous"];
    private static readonly string[] Surnames = ["hopper", "lovelace", "turing", "curie", "noether", "ritchie", "thompson", "wozniak"];

    public static async Task<int> RunAsync(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx create")
            .Value("name").Value("driver").Value("node").Value("platform").Value("driver-opt").Value("buildkitd-flags")
            .Value("buildkitd-config").Value("config").Value("timeout")
            .Bool("bootstrap").Bool("append").Bool("leave").Bool("use");
        var parsed = flags.Parse(args);
        flags.RequireAtMost(parsed, 1, Usage);
        if (context.Faults.CreateHangs)
        {
            await Task.Delay(Timeout.Infinite);
        }

        if (parsed.IsTrue("append") || parsed.IsTrue("leave"))
        {
            throw new BuildxException("the test double does not support --append or --leave");
        }

        var name = parsed.Last("name") ?? string.Empty;
        if (name == Builder.DefaultName)
        {
            throw new BuildxException("default is a reserved name and cannot be used to identify builder instance");
        }

        var store = context.Store;
        Builder builder;
        using (store.Lock())
        {
            name = name.Length == 0 ? GenerateName(store) : BuildxStore.ValidateName(name);
            var existing = store.Find(name);
            var endpoint = parsed.Positionals.FirstOrDefault() ?? string.Empty;
            var buildkitHost = Environment.GetEnvironmentVariable("BUILDKIT_HOST") ?? string.Empty;
            var driver = parsed.Last("driver")
                ?? existing?.Driver
                ?? (endpoint.Length == 0 && buildkitHost.Length > 0 ? Drivers.Remote : Drivers.DockerContainer);
            if (existing is not null && parsed.Last("node") is null)
            {
                throw new BuildxException($"existing instance for \"{name}\" but no append mode, specify the node name to make changes for existing instances");
            }

            if (!Drivers.Exists(driver))
            {
                throw new BuildxException($"failed to find driver \"{driver}\"");
            }

            var driverOptions = ParseDriverOptions(parsed.All("driver-opt"));
            var configFile = parsed.Last("buildkitd-config") ?? parsed.Last("config");
            var files = configFile is null ? null : LoadConfig(configFile);
            var buildkitdFlags = (parsed.Last("buildkitd-flags") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (driver == Drivers.DockerContainer && !buildkitdFlags.Any(f => f.StartsWith("--allow-insecure-entitlement", StringComparison.Ordinal)))
            {
                // Container drivers isolate the network, so buildx allows network.host unless told otherwise.
                buildkitdFlags.Add("--allow-insecure-entitlement=network.host");
            }

            var platforms = Platforms.ParseAll(parsed.All("platform"));
            endpoint = driver == Drivers.Remote ? RemoteEndpoint(endpoint, buildkitHost) : endpoint.Length > 0 ? endpoint : store.DockerEndpoint;

            var nodeName = parsed.Last("node") ?? $"{name}0";
            if (driver == Drivers.Remote && driverOptions?.Keys.FirstOrDefault(k => !RemoteDriverOptions.Contains(k)) is { } unknown)
            {
                throw new BuildxException($"failed to initialize builder {name} ({nodeName}): invalid driver option {unknown} for remote driver");
            }

            if (context.Faults.CreateFails)
            {
                throw new BuildxException($"failed to initialize builder {name} ({nodeName}): Cannot connect to the Docker daemon at {store.DockerEndpoint}. Is the docker daemon running?");
            }

            var group = existing ?? new NodeGroup { Name = name, Driver = driver };
            group.Nodes.RemoveAll(n => n.Name == nodeName);
            group.Nodes.Add(new Node
            {
                Name = nodeName,
                Endpoint = endpoint,
                Platforms = platforms.Count > 0 ? platforms : null,
                DriverOpts = driverOptions,
                Flags = buildkitdFlags.Count > 0 ? buildkitdFlags : null,
                Files = files,
            });
            store.Save(group);
            if (parsed.IsTrue("use"))
            {
                store.SetCurrent(name, global: false);
            }

            builder = new Builder(group, IsDockerContext: false, store.LastActivity(name));
        }

        if (parsed.IsTrue("bootstrap"))
        {
            using var interrupted = Signals.CancelOnInterrupt();
            await Bootstrap.BootAsync(builder, store, new PlainProgress(quiet: false), interrupted.Token);
        }

        await Console.Out.WriteLineAsync(name);
        return 0;
    }

    private static string RemoteEndpoint(string endpoint, string buildkitHost)
    {
        endpoint = endpoint.Length > 0 ? endpoint : buildkitHost;
        if (endpoint.Length == 0)
        {
            throw new BuildxException("no remote endpoint provided");
        }

        var scheme = endpoint.IndexOf("://", StringComparison.Ordinal) is var separator and > 0 ? endpoint[..separator] : string.Empty;
        return RemoteSchemes.Contains(scheme) ? endpoint : throw new BuildxException($"unrecognized url scheme {scheme}");
    }

    /// <summary>builder.csvToMap: every <c>--driver-opt</c> is a CSV list of k=v.</summary>
    private static Dictionary<string, string>? ParseDriverOptions(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in values.SelectMany(v => v.Split(',')))
        {
            var parts = field.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new BuildxException($"invalid value \"{field}\", expecting k=v");
            }

            options[parts[0]] = parts[1];
        }

        return options;
    }

    /// <summary>confutil.LoadConfigFiles: the buildkitd config is copied into the node, so the file may go afterwards.</summary>
    private static Dictionary<string, byte[]> LoadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new BuildxException($"failed to load config from {path}: open {path}: no such file or directory");
        }

        return new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["buildkitd.toml"] = File.ReadAllBytes(path) };
    }

    /// <summary>store.GenerateName: docker's names generator, a number added after a collision.</summary>
    private static string GenerateName(BuildxStore store)
    {
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var name = $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}_{Surnames[Random.Shared.Next(Surnames.Length)]}{(attempt > 0 ? attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}";
            if (store.Find(name) is null)
            {
                return name;
            }
        }

        throw new BuildxException("failed to generate random name");
    }
}
