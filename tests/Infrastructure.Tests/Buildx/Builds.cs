using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Requests, facts and plans for the argument tests: a public GitHub repository, buildx 0.17.1, BuildKit ≥ 0.11.</summary>
internal static class Builds
{
    public const string Directory = "/job/build-7-0123456789ab";
    public const string Sha = "0123456789abcdef0123456789abcdef01234567";
    public const string RunUrl = "https://github.com/octo/app/actions/runs/42/attempts/2";
    public const string DefaultContext = $"https://github.com/octo/app.git#{Sha}";

    public static readonly BuildxVersion Current = Version(0, 17, 1);

    public static readonly BuildEnvironment GitHub = new()
    {
        Repository = "octo/app",
        Ref = "refs/heads/main",
        Sha = Sha,
        RunId = "42",
        RunAttempt = "2",
        RepositoryPrivate = false,
    };

    /// <summary>Off GitHub Actions: nothing to derive a git context or a builder id from.</summary>
    public static readonly BuildEnvironment Elsewhere = new();

    public static BuildxVersion Version(int major, int minor, int patch) => new(new Version(major, minor, patch), null);

    public static BuildxBuildPlan Plan(
        BuildInputs inputs,
        BuildxVersion? buildx = null,
        BuildEnvironment? environment = null,
        bool buildkitSupportsProvenance = true,
        Func<string, bool>? fileExists = null,
        string builder = "") =>
        BuildxBuildArguments.Plan(
            new BuildRequest("build-7", builder, inputs),
            new BuildxBuildFacts(buildx ?? Current, environment ?? GitHub, buildkitSupportsProvenance, fileExists ?? (_ => true)),
            Directory);

    /// <summary>The value after each occurrence of <paramref name="flag"/>.</summary>
    public static IReadOnlyList<string> Values(this BuildxBuildPlan plan, string flag) =>
        [.. plan.Arguments.Select((a, i) => (a, i)).Where(x => x.a == flag).Select(x => plan.Arguments[x.i + 1])];

    /// <summary>The flags in order, without their values.</summary>
    public static IReadOnlyList<string> Flags(this BuildxBuildPlan plan) => [.. plan.Arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal))];
}
