using System.Globalization;
using System.Text;

namespace Blacksmith.Doubles.Docker;

/// <summary><c>docker buildx inspect [NAME] [--bootstrap]</c>, printed as commands/inspect.go prints it.</summary>
internal static class InspectCommand
{
    public static async Task<int> RunAsync(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx inspect").Bool("bootstrap").Value("timeout");
        var parsed = flags.Parse(args);
        flags.RequireAtMost(parsed, 1, "docker buildx inspect [NAME]");
        var name = parsed.Positionals.FirstOrDefault() ?? context.BuilderName(parsed);
        Builder builder;
        using (context.Store.Lock())
        {
            builder = Builder.Resolve(context.Store, name);
        }

        if (context.Faults.BadInspect)
        {
            await Console.Out.WriteAsync("buildx: unexpected response from the docker daemon\n<html><body>502 Bad Gateway</body></html>\n");
            return 0;
        }

        using var interrupted = Signals.CancelOnInterrupt();
        if (parsed.IsTrue("bootstrap"))
        {
            await Bootstrap.BootAsync(builder, context.Store, new PlainProgress(quiet: false), interrupted.Token);
        }

        var nodes = await Drivers.LoadNodesAsync(builder, context.Store, interrupted.Token);
        await Console.Out.WriteAsync(Render(builder, nodes, context.Debug(parsed)));
        return 0;
    }

    public static string Render(Builder builder, IReadOnlyList<NodeInfo> nodes, bool debug)
    {
        var w = new GoTabWriter();
        w.Line($"Name:\t{builder.Name}");
        w.Line($"Driver:\t{builder.Driver}");
        if (builder.LastActivity is { } activity)
        {
            // Go's time.Time String() for a UTC time read back from RFC 3339.
            w.Line($"Last Activity:\t{activity.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} +0000 UTC");
        }

        w.Line(string.Empty);
        w.Line("Nodes:");
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (i != 0)
            {
                w.Line(string.Empty);
            }

            w.Line($"Name:\t{node.Node.Name}");
            w.Line($"Endpoint:\t{node.Node.Endpoint}");
            if (node.Node.DriverOpts is { Count: > 0 } options)
            {
                w.Line($"Driver Options:\t{string.Join(' ', options.Select(o => $"{o.Key}={GoQuote(o.Value)}"))}");
            }

            w.Line($"Status:\t{node.Status}");
            if (node.Node.Flags is { Count: > 0 } daemonFlags)
            {
                w.Line($"BuildKit daemon flags:\t{string.Join(' ', daemonFlags)}");
            }

            if (node.Version is { } version)
            {
                w.Line($"BuildKit version:\t{version}");
            }

            if (node.DisplayPlatforms() is { Count: > 0 } platforms)
            {
                w.Line($"Platforms:\t{string.Join(", ", platforms)}");
            }

            if (debug && node.IsRunning)
            {
                w.Line("Features:");
                foreach (var (feature, enabled) in Features(builder.Driver, node))
                {
                    w.Line($"\t{feature}:\t{(enabled ? "true" : "false")}");
                }
            }

            if (node.IsRunning)
            {
                w.Line("Labels:");
                w.Line("\torg.mobyproject.buildkit.worker.executor:\toci");
                w.Line("\torg.mobyproject.buildkit.worker.snapshotter:\toverlayfs");
            }

            foreach (var (file, content) in node.Node.Files ?? [])
            {
                w.Line($"File#{file}:");
                foreach (var line in Encoding.UTF8.GetString(content).Split('\n'))
                {
                    w.Line($"\t> {line}");
                }
            }
        }

        return w.Flush();
    }

    /// <summary>Each driver's Features, sorted by name as inspect prints them.</summary>
    private static IEnumerable<(string Feature, bool Enabled)> Features(string driver, NodeInfo node)
    {
        var defaultLoad = node.Node.DriverOpts?.GetValueOrDefault("default-load") == "true";
        var features = new SortedDictionary<string, bool>(StringComparer.Ordinal)
        {
            ["Cache export"] = driver != Drivers.Docker,
            ["Docker exporter"] = true,
            ["Multi-platform build"] = driver != Drivers.Docker,
            ["OCI exporter"] = driver != Drivers.Docker,
        };
        if (driver != Drivers.Docker)
        {
            features["Direct push"] = true;
            features["Automatically load images to the Docker Engine image store"] = defaultLoad;
        }

        return features.Select(f => (f.Key, f.Value));
    }

    /// <summary>Go's %q for the plain strings driver options hold.</summary>
    private static string GoQuote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
