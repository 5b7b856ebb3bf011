using System.Runtime.InteropServices;
using System.Text;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// The cache key used when <c>cache-key</c> is not given: the repository, the workflow and job, and the runner's
/// architecture, so that matrix jobs and different jobs of one repository do not overwrite each other's cache
/// (upstream keyed by repository alone, and the last job to commit won).
/// </summary>
public static class DefaultCacheKey
{
    /// <summary>Keys stay within what every store accepts (<see cref="CacheKeyName"/>).</summary>
    public const int MaxLength = CacheKeyName.MaxLength;

    public static string From(IEnvironmentReader environment, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var arch = architecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string?[] parts = environment.Read("GITHUB_REPOSITORY") is { Length: > 0 } repository
            ? [repository, environment.Read("GITHUB_WORKFLOW"), environment.Read("GITHUB_JOB")]
            : environment.Read("CI_PROJECT_PATH") is { Length: > 0 } project
                ? [project, environment.Read("CI_JOB_NAME")]
                : environment.Read("BUILDKITE_PIPELINE_SLUG") is { Length: > 0 } pipeline
                    ? [environment.Read("BUILDKITE_ORGANIZATION_SLUG"), pipeline, environment.Read("BUILDKITE_STEP_KEY") ?? environment.Read("BUILDKITE_LABEL")]
                    : ["local"];
        var key = string.Join('/', parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(Sanitize).Where(p => p.Length > 0).Append(arch));
        if (key.Length > MaxLength)
        {
            key = key[^MaxLength..];
        }

        // A key starts with a letter or digit; a cut key, or a repository such as ".github", may not.
        var start = 0;
        while (!char.IsAsciiLetterOrDigit(key[start]))
        {
            start++;
        }

        return key[start..];
    }

    /// <summary>Letters, digits, '.', '_' and '-' stay; anything else (spaces, slashes inside a part) becomes '-'.</summary>
    private static string Sanitize(string? part)
    {
        var text = new StringBuilder(part!.Length);
        foreach (var c in part.Trim())
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : (c == '/' && text.Length > 0 ? '/' : '-'));
        }

        // No "..", which could climb out of a store's directory, and no "//": the store refuses both.
        var clean = text.ToString();
        while (clean.Contains("..", StringComparison.Ordinal) || clean.Contains("//", StringComparison.Ordinal))
        {
            clean = clean.Replace("..", ".", StringComparison.Ordinal).Replace("//", "/", StringComparison.Ordinal);
        }

        return clean.Trim('-', '/', '.');
    }
}
