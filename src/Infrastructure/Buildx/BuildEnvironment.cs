using System.Text.Json;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// What a build needs to know about the CI run: the repository and commit (for the default git context and its
/// token), the run (provenance's <c>builder-id</c>), whether the repository is private (the default provenance mode),
/// and buildx's environment switches. On another CI, or outside one, the GitHub parts are null and the defaults that
/// need them are not added.
/// </summary>
public sealed record BuildEnvironment
{
    /// <summary><c>GITHUB_SERVER_URL</c>, <c>https://github.com</c> when unset (as upstream).</summary>
    public string ServerUrl { get; init; } = "https://github.com";

    /// <summary><c>GITHUB_REPOSITORY</c>: <c>owner/name</c>.</summary>
    public string? Repository { get; init; }

    /// <summary><c>GITHUB_REF</c>, e.g. <c>refs/heads/main</c> or <c>refs/pull/7/merge</c>.</summary>
    public string? Ref { get; init; }

    /// <summary><c>GITHUB_SHA</c>.</summary>
    public string? Sha { get; init; }

    /// <summary>The pull request's head commit (event payload <c>pull_request.head.sha</c>).</summary>
    public string? PullRequestHeadSha { get; init; }

    /// <summary><c>GITHUB_RUN_ID</c>.</summary>
    public string? RunId { get; init; }

    /// <summary><c>GITHUB_RUN_ATTEMPT</c>, 1 when unset.</summary>
    public string? RunAttempt { get; init; }

    /// <summary>Event payload <c>repository.private</c>; null when the payload could not tell.</summary>
    public bool? RepositoryPrivate { get; init; }

    /// <summary><c>BUILDX_NO_DEFAULT_ATTESTATIONS</c> as set (a Go boolean, or null when unset).</summary>
    public string? NoDefaultAttestations { get; init; }

    /// <summary><c>DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF</c>: build a pull request's head instead of its merge commit.</summary>
    public bool PullRequestHeadRef { get; init; }

    /// <summary><c>BUILDX_SEND_GIT_QUERY_AS_INPUT</c>: the query form of the git context (with buildx ≥ 0.29.0).</summary>
    public bool SendGitQueryAsInput { get; init; }

    /// <summary>
    /// The run's URL, provenance's default <c>builder-id</c>:
    /// <c>&lt;server&gt;/&lt;repo&gt;/actions/runs/&lt;id&gt;/attempts/&lt;attempt&gt;</c>; null off GitHub Actions.
    /// </summary>
    public string? RunUrl =>
        Repository is null || RunId is null ? null : $"{ServerUrl}/{Repository}/actions/runs/{RunId}/attempts/{RunAttempt ?? "1"}";

    /// <summary>Reads the run from environment variables and the event payload (<c>GITHUB_EVENT_PATH</c>).</summary>
    /// <param name="variable">Reads one environment variable (null or empty: unset).</param>
    public static BuildEnvironment Read(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value.Trim() : null;

        var (repositoryPrivate, headSha) = ReadEvent(Get("GITHUB_EVENT_PATH"));
        return new BuildEnvironment
        {
            ServerUrl = Get("GITHUB_SERVER_URL") ?? "https://github.com",
            Repository = Get("GITHUB_REPOSITORY"),
            Ref = Get("GITHUB_REF"),
            Sha = Get("GITHUB_SHA"),
            PullRequestHeadSha = headSha,
            RunId = Get("GITHUB_RUN_ID"),
            RunAttempt = Get("GITHUB_RUN_ATTEMPT"),
            RepositoryPrivate = repositoryPrivate,
            NoDefaultAttestations = Get("BUILDX_NO_DEFAULT_ATTESTATIONS"),
            PullRequestHeadRef = GoBool.IsTrue(Get("DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF")),
            SendGitQueryAsInput = GoBool.IsTrue(Get("BUILDX_SEND_GIT_QUERY_AS_INPUT")),
        };
    }

    /// <summary>The two facts the build takes from the event payload; nulls when there is none or it is unreadable.</summary>
    internal static (bool? RepositoryPrivate, string? PullRequestHeadSha) ReadEvent(string? path)
    {
        if (path is null)
        {
            return (null, null);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            bool? repositoryPrivate = root.TryGetProperty("repository", out var repository)
                && repository.ValueKind == JsonValueKind.Object
                && repository.TryGetProperty("private", out var isPrivate)
                && isPrivate.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? isPrivate.GetBoolean()
                : null;
            string? headSha = root.TryGetProperty("pull_request", out var pullRequest)
                && pullRequest.ValueKind == JsonValueKind.Object
                && pullRequest.TryGetProperty("head", out var head)
                && head.ValueKind == JsonValueKind.Object
                && head.TryGetProperty("sha", out var sha)
                && sha.ValueKind == JsonValueKind.String
                ? sha.GetString()
                : null;
            return (repositoryPrivate, headSha);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Unknown privacy is treated as private (the cautious provenance mode), so nothing is lost by going on.
            return (null, null);
        }
    }
}
