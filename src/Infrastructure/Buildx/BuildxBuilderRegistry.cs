using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// docker buildx's builders, driven through its CLI as setup-docker-builder drives it (protocols §3.2): a remote-driver
/// builder for our buildkitd, made current; or, when setup failed, a builder that works without the sticky disk. Every
/// command has a timeout; DOCKER_CONFIG, BUILDX_CONFIG and DOCKER_HOST come from the environment. docs/processes.md
/// has the details.
/// </summary>
public sealed class BuildxBuilderRegistry : IBuilderRegistry, IBuilderInspector
{
    public const string RemoteDriver = "remote";
    public const string DockerDriver = "docker";
    public const string ContainerDriver = "docker-container";

    private readonly BuilderRegistryOptions _options;
    private readonly ProcessRunner _runner;
    private readonly BuilderNameSource _names;
    private readonly ILogger<BuildxBuilderRegistry> _logger;
    private string? _version;
    private BuilderInspection? _inspected;

    public BuildxBuilderRegistry(BuilderRegistryOptions options, ProcessRunner runner, BuilderNameSource names, ILogger<BuildxBuilderRegistry> logger)
    {
        _options = options;
        _runner = runner;
        _names = names;
        _logger = logger;
    }

    /// <summary>
    /// The buildx version (<c>0.23.0</c>, or a 7-hex commit for a development build), asked once per instance.
    /// </summary>
    /// <exception cref="ExternalCallException">
    /// <see cref="ExternalErrorKind.Missing"/> when docker or its buildx plugin is not installed,
    /// <see cref="ExternalErrorKind.BadReply"/> when the version cannot be read.
    /// </exception>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        if (_version is { } known)
        {
            return known;
        }

        const string operation = "buildx.version";
        var outcome = await RunAsync(operation, ["version"], _options.CommandTimeout, LogLevel.Debug, cancellationToken);
        if (!outcome.Succeeded && outcome.ExitCode != 0 && IsMissingPlugin(outcome))
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Missing, $"docker buildx is not installed (the buildx plugin is missing): {FirstLine(outcome.StandardErrorTail)}");
        }

        outcome.EnsureSucceeded(operation);
        // Throws BadReply, quoting the output, when it holds no version.
        var parsed = BuildxVersion.Parse(outcome.StandardOutput);
        var version = parsed.ToString();
        BuildxLog.Available(_logger, version);
        if (Requested(_options.RequestedBuildxVersion) is { } wanted && parsed.Release is { } release && release != wanted)
        {
            BuildxLog.BuildxVersionDiffers(_logger, _options.RequestedBuildxVersion!, version);
        }

        return _version = version;
    }

    /// <summary>
    /// <c>docker buildx inspect [name]</c>: the named builder, or the current one when null. The builder this instance
    /// registered or activated is answered from the inspection it made then, without asking buildx again.
    /// </summary>
    /// <exception cref="ExternalCallException">buildx failed or timed out, or printed something that is not inspect output (<see cref="ExternalErrorKind.BadReply"/>).</exception>
    public async Task<BuilderInspection> InspectAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is not null && _inspected is { } known && string.Equals(known.Name, name, StringComparison.OrdinalIgnoreCase))
        {
            return known;
        }

        var outcome = await InspectOutcomeAsync(name, bootstrap: false, cancellationToken);
        return Parse(outcome.EnsureSucceeded("buildx.inspect"), name);
    }

    public async Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var buildx = await VersionAsync(cancellationToken);
        var name = _names.Next();
        var platforms = _options.Platforms.Count > 0 ? string.Join(',', _options.Platforms) : HostPlatform.Current;
        // One command creates it and makes it current (buildx create --use), where upstream runs create, then use.
        var created = await RunAsync(
            "buildx.create", ["create", "--name", name, "--driver", RemoteDriver, "--platform", platforms, "--use", address], _options.CommandTimeout, LogLevel.Information, cancellationToken);
        created.EnsureSucceeded("buildx.create");
        try
        {
            if (LastLine(created.StandardOutput) != name)
            {
                throw new ExternalCallException(
                    "buildx.create", ExternalErrorKind.BadReply, $"docker buildx create printed '{LastLine(created.StandardOutput)}', expected the builder's name '{name}'");
            }

            var inspection = await InspectAsync(name, cancellationToken);
            EnsureRegistered(inspection, name, address);
            // The setup host's outputs describe the builder from this inspection rather than a second one.
            _inspected = inspection;
            var node = inspection.Nodes.First(IsRunning);
            BuildxLog.Registered(_logger, name, address, inspection.Platforms, node.BuildkitVersion ?? "unknown");
            if (Requested(_options.RequestedBuildkitVersion) is { } wanted
                && BuildxVersion.TryParseNumber(node.BuildkitVersion ?? string.Empty) is { } running
                && running != wanted)
            {
                BuildxLog.BuildkitVersionDiffers(_logger, _options.RequestedBuildkitVersion!, node.BuildkitVersion!);
            }

            return new RegisteredBuilder(name, new BuilderFacts(buildx, inspection.Driver, [.. inspection.Nodes.Select(n => n.BuildkitVersion ?? string.Empty)]));
        }
        catch (Exception ex) when (ex is ExternalCallException or OperationCanceledException)
        {
            // A current builder that cannot reach our daemon would take every later build down with it, and would be
            // reused by the fallback: take it away again.
            await RemoveQuietlyAsync(name);
            throw;
        }
    }

    public async Task<string> ActivateFallbackAsync(CancellationToken cancellationToken)
    {
        await VersionAsync(cancellationToken);
        var current = await InspectAsync(null, cancellationToken);
        if (WhyNotReusable(current) is not { } reason)
        {
            BuildxLog.ReusingCurrent(_logger, current.Name, current.Driver ?? "unknown");
            _inspected = current;
            return current.Name;
        }

        BuildxLog.NotReusable(_logger, current.Name, reason);
        var name = _options.FallbackBuilderName;
        var existing = await TryInspectAsync(name, cancellationToken);
        if (existing is null)
        {
            await CreateFallbackAsync(name, cancellationToken);
        }
        else if (existing.Driver == ContainerDriver)
        {
            // An earlier job on this machine left it: use it as it is.
            (await RunAsync("buildx.use", ["use", name], _options.CommandTimeout, LogLevel.Information, cancellationToken)).EnsureSucceeded("buildx.use");
        }
        else
        {
            throw new ExternalCallException(
                "buildx.create", ExternalErrorKind.Failed, $"a builder named '{name}' already exists with driver '{existing.Driver}', expected {ContainerDriver}; remove it or choose another fallback name");
        }

        var booted = await InspectOutcomeAsync(name, bootstrap: true, cancellationToken);
        var inspection = Parse(booted.EnsureSucceeded("buildx.bootstrap"), name);
        if (!inspection.Nodes.Any(IsRunning))
        {
            throw new ExternalCallException(
                "buildx.bootstrap", ExternalErrorKind.Failed, $"fallback builder '{name}' is not running after bootstrap (status {NodeStatuses(inspection)})");
        }

        _inspected = inspection;
        BuildxLog.FallbackReady(_logger, name, _options.RegistryMirror is { Length: > 0 } mirror ? $", pulling Docker Hub images through {mirror}" : string.Empty);
        return name;
    }

    /// <summary>Why the current builder cannot serve as the fallback, or null when it can.</summary>
    private static string? WhyNotReusable(BuilderInspection current) => current.Driver switch
    {
        DockerDriver => "it is the docker engine's own builder (driver docker), which cannot export cache or build for several platforms",
        null => "inspect did not name its driver",
        // A remote builder nobody answers for is most likely a Blacksmith builder whose daemon is gone.
        RemoteDriver when !current.Nodes.Any(IsRunning) => $"its remote daemon does not answer (status {NodeStatuses(current)})",
        _ => null,
    };

    private static bool IsRunning(BuilderNode node) => node.Status == "running";

    private static string NodeStatuses(BuilderInspection inspection) =>
        inspection.Nodes.Count == 0 ? "no nodes" : string.Join(", ", inspection.Nodes.Select(n => n.Status ?? "unknown"));

    private static void EnsureRegistered(BuilderInspection inspection, string name, string address)
    {
        if (!string.Equals(inspection.Name, name, StringComparison.OrdinalIgnoreCase) || inspection.Driver != RemoteDriver)
        {
            throw new ExternalCallException(
                "buildx.inspect", ExternalErrorKind.BadReply, $"docker buildx inspect {name} described '{inspection.Name}' with driver '{inspection.Driver}', expected '{name}' with driver {RemoteDriver}");
        }

        if (!inspection.Nodes.Any(IsRunning))
        {
            throw new ExternalCallException(
                "buildx.inspect", ExternalErrorKind.Unavailable, $"builder {name} cannot reach buildkitd at {address} (status {NodeStatuses(inspection)})");
        }
    }

    private async Task CreateFallbackAsync(string name, CancellationToken cancellationToken)
    {
        List<string> arguments = ["create", "--name", name, "--driver", ContainerDriver];
        string? config = null;
        try
        {
            if (_options.RegistryMirror is { Length: > 0 } mirror)
            {
                config = WriteScratchConfig(name, FallbackBuildkitdConfig.ForMirror(mirror).ToToml());
                arguments.AddRange(["--buildkitd-config", config]);
            }

            arguments.Add("--use");
            (await RunAsync("buildx.create", arguments, _options.CommandTimeout, LogLevel.Information, cancellationToken)).EnsureSucceeded("buildx.create");
        }
        finally
        {
            // buildx copies the config into the builder's node when it creates it; the file is not needed afterwards.
            if (config is not null)
            {
                DeleteScratch(config);
            }
        }
    }

    private string WriteScratchConfig(string name, string toml)
    {
        var directory = _options.ScratchDirectory ?? Path.GetTempPath();
        var path = Path.Combine(directory, $"blacksmith-{name}-buildkitd.{Environment.ProcessId}.toml");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(toml);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException("buildx.create", ExternalErrorKind.Failed, $"could not write the fallback's buildkitd config {path}: {ex.Message}", ex);
        }
    }

    private void DeleteScratch(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BuildxLog.ScratchNotDeleted(_logger, path, ex.Message);
        }
    }

    /// <summary>The named builder, or null when buildx says there is none.</summary>
    private async Task<BuilderInspection?> TryInspectAsync(string name, CancellationToken cancellationToken)
    {
        var outcome = await InspectOutcomeAsync(name, bootstrap: false, cancellationToken);
        if (outcome is { Succeeded: false, TimedOut: false } && outcome.LastErrorLine?.Contains($"no builder \"{name}\" found", StringComparison.Ordinal) == true)
        {
            return null;
        }

        return Parse(outcome.EnsureSucceeded("buildx.inspect"), name);
    }

    private Task<ProcessOutcome> InspectOutcomeAsync(string? name, bool bootstrap, CancellationToken cancellationToken)
    {
        List<string> arguments = ["inspect"];
        if (bootstrap)
        {
            arguments.Add("--bootstrap");
        }

        if (name is not null)
        {
            arguments.Add(name);
        }

        return RunAsync(
            bootstrap ? "buildx.bootstrap" : "buildx.inspect",
            arguments,
            bootstrap ? _options.BootstrapTimeout : _options.CommandTimeout,
            LogLevel.Debug,
            cancellationToken);
    }

    private static BuilderInspection Parse(ProcessOutcome outcome, string? name)
    {
        try
        {
            return BuildxInspectParser.Parse(outcome.StandardOutput);
        }
        catch (ExternalCallException ex) when (ex.Kind == ExternalErrorKind.BadReply)
        {
            throw new ExternalCallException(
                "buildx.inspect",
                ExternalErrorKind.BadReply,
                $"docker buildx inspect{(name is null ? string.Empty : " " + name)} printed no builder name (expected a 'Name:' line first, as in 'Name: {name ?? "default"}'); it printed '{FirstLine(outcome.StandardOutput)}'",
                ex);
        }
    }

    /// <summary>One <c>docker buildx</c> command; a missing docker is reported as a missing <c>docker buildx</c>.</summary>
    private async Task<ProcessOutcome> RunAsync(string operation, IReadOnlyList<string> arguments, TimeSpan timeout, LogLevel outputLevel, CancellationToken cancellationToken)
    {
        var command = new ProcessCommand(_options.DockerPath, ["buildx", .. arguments])
        {
            Name = "docker buildx",
            SearchPath = _options.SearchPath,
            Environment = _options.Environment,
            Timeout = timeout,
            OutputLevel = outputLevel,
        };
        try
        {
            return await _runner.RunAsync(command, cancellationToken);
        }
        catch (ExternalCallException ex) when (ex.Kind == ExternalErrorKind.Missing)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Missing, $"docker buildx is needed, but docker is not installed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// <c>docker buildx ...</c> on a docker without the plugin: docker 24 and later say
    /// <c>docker: unknown command: docker buildx</c>, older ones <c>docker: 'buildx' is not a docker command.</c>
    /// </summary>
    private static bool IsMissingPlugin(ProcessOutcome outcome) =>
        outcome.StandardErrorTail.Contains("unknown command: docker buildx", StringComparison.Ordinal)
        || outcome.StandardErrorTail.Contains("'buildx' is not a docker command", StringComparison.Ordinal);

    private async Task RemoveQuietlyAsync(string name)
    {
        try
        {
            var outcome = await RunAsync("buildx.rm", ["rm", name], _options.CommandTimeout, LogLevel.Information, CancellationToken.None);
            if (!outcome.Succeeded)
            {
                BuildxLog.RollbackFailed(_logger, name, outcome.Describe());
            }
        }
        catch (ExternalCallException ex)
        {
            BuildxLog.RollbackFailed(_logger, name, ex.Message);
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;

    // A vX.Y.Z request as a comparable version; null for none, "latest", or anything unreadable.
    private static Version? Requested(string? requested) =>
        string.IsNullOrWhiteSpace(requested) || requested == "latest" ? null : BuildxVersion.TryParseNumber(requested.TrimStart('v'));
}
