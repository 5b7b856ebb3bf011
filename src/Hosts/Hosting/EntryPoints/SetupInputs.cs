using System.Globalization;
using System.Text.RegularExpressions;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// setup-docker-builder's inputs (v1 and v2, plus <c>commit</c>), read and checked before anything is done: a bad
/// value is a <see cref="CiInputException"/> naming the input, and nothing has been touched yet.
/// </summary>
public sealed partial record SetupInputs
{
    /// <summary>The action's input names (actions/setup-docker-builder/action.yml), <c>job-status</c> being post's.</summary>
    public static readonly IReadOnlyList<string> Names = [.. ActionInputs.Setup.Select(input => input.Name)];

    /// <summary>The sticky-disk key; null when not given (the host then derives one, see <see cref="DefaultCacheKey"/>).</summary>
    public string? CacheKey { get; init; }

    /// <summary><c>latest</c> or <c>vX.Y.Z</c>: the buildx the job expects (checked against the one installed).</summary>
    public string BuildxVersion { get; init; } = "latest";

    /// <summary>The BuildKit version the job expects, when given (checked against the buildkitd installed).</summary>
    public string? BuildkitVersion { get; init; }

    /// <summary>Platforms for the builder; empty: the host's.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>Fail the step instead of falling back to a builder without the cache.</summary>
    public bool NoFallback { get; init; }

    /// <summary><c>env.NAME=value</c> become the daemon's environment; other driver options do not apply to our daemon.</summary>
    public IReadOnlyDictionary<string, string> DaemonEnvironment { get; init; } = new Dictionary<string, string>();

    public int? MaxParallelism { get; init; }

    public long? MaxCacheSizeMb { get; init; }

    public CommitMode Commit { get; init; } = CommitMode.Auto;

    /// <summary>What the user should hear about their inputs (ignored or deprecated values); never an error.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static SetupInputs Read(ICiRuntime ci)
    {
        ArgumentNullException.ThrowIfNull(ci);
        var warnings = new List<string>();

        // Read (and so masked) first: no later line may show it. We download nothing, so it is not used further.
        _ = ci.GetSecretInput("github-token");

        var buildx = ci.GetInput("buildx-version");
        if (buildx.Length > 0 && buildx != "latest" && !VersionPattern().IsMatch(buildx))
        {
            warnings.Add($"buildx-version '{buildx}' is neither 'latest' nor vX.Y.Z; using latest.");
            buildx = "latest";
        }

        var buildkit = ci.GetInput("buildkit-version");
        if (buildkit.Length > 0 && buildkit != "latest" && !VersionPattern().IsMatch(buildkit))
        {
            warnings.Add($"buildkit-version '{buildkit}' is neither 'latest' nor vX.Y.Z; ignoring it.");
            buildkit = string.Empty;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in ci.GetListInput("driver-opts", ListInputOptions.IgnoreComma))
        {
            if (option.StartsWith("env.", StringComparison.Ordinal) && option.IndexOf('=', StringComparison.Ordinal) is var eq and > 4)
            {
                environment[option[4..eq]] = option[(eq + 1)..];
            }
            else
            {
                warnings.Add($"driver-opts '{option.Split('=')[0]}' does not apply to this builder (only env.* options do); ignored.");
            }
        }

        // The action's default is "false", so the runner always passes it: only an explicit true is worth a warning.
        if (ci.GetInput("skip-integrity-check") is { Length: > 0 } skipIntegrityCheck && skipIntegrityCheck is not ("false" or "False" or "FALSE"))
        {
            warnings.Add("skip-integrity-check is deprecated and has no effect: nothing is downloaded.");
        }

        return new SetupInputs
        {
            CacheKey = ReadCacheKey(ci),
            BuildxVersion = buildx.Length == 0 ? "latest" : buildx,
            BuildkitVersion = NullIfEmpty(buildkit),
            Platforms = ci.GetListInput("platforms"),
            NoFallback = ci.GetBooleanInput("nofallback", defaultValue: false),
            DaemonEnvironment = environment,
            MaxParallelism = PositiveNumber(ci, "max-parallelism", int.MaxValue) is { } p ? (int)p : null,
            MaxCacheSizeMb = PositiveNumber(ci, "max-cache-size-mb", long.MaxValue / (1024 * 1024)),
            Commit = ParseCommit(ci),
            Warnings = warnings,
        };
    }

    // Checked here, before anything is touched, with the store's own rule: a key the store would refuse must not
    // first mount nothing, fall back and warn about a disk that was never exposed.
    private static string? ReadCacheKey(ICiRuntime ci)
    {
        var key = ci.GetInput("cache-key");
        if (key.Length == 0)
        {
            return null;
        }

        return CacheKeyName.Problem(key) is { } problem
            ? throw new CiInputException("cache-key", $"{ci.DescribeInput("cache-key")} {CacheKeyName.Printable(key)} is not a valid cache key: {problem}; {CacheKeyName.Rule}.")
            : key;
    }

    private static long? PositiveNumber(ICiRuntime ci, string name, long max)
    {
        var text = ci.GetInput(name);
        if (text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= max
            ? value
            : throw new CiInputException(name, $"{ci.DescribeInput(name)} must be a whole number from 1 to {max}, not '{text}'.");
    }

    private static CommitMode ParseCommit(ICiRuntime ci) => ci.GetInput("commit") switch
    {
        "" or "auto" => CommitMode.Auto,
        "always-on-success" => CommitMode.AlwaysOnSuccess,
        "never" => CommitMode.Never,
        var other => throw new CiInputException("commit", $"{ci.DescribeInput("commit")} must be auto, always-on-success or never, not '{other}'."),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex(@"^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionPattern();
}
