using System.Text.Json;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// Whether this run builds a pull request whose head lives in another repository (a fork): its code must not write
/// the cache that the base repository's own jobs start from.
/// </summary>
public static class ForkPullRequest
{
    /// <summary>The events that carry a <c>pull_request</c> object about the head being built.</summary>
    private static readonly string[] PullRequestEvents = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"];

    /// <summary>
    /// True for a pull request from a fork; false otherwise, also when the event file cannot be read (then
    /// <paramref name="problem"/> says why, for a warning: the policy then trusts the run as the runner does).
    /// </summary>
    public static bool Detect(IEnvironmentReader environment, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(environment);
        problem = null;
        if (!PullRequestEvents.Contains(environment.Read("GITHUB_EVENT_NAME"), StringComparer.Ordinal))
        {
            return false;
        }

        var path = environment.Read("GITHUB_EVENT_PATH");
        if (string.IsNullOrEmpty(path))
        {
            problem = "GITHUB_EVENT_PATH is not set, so whether this pull request comes from a fork is unknown";
            return false;
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return IsFork(document.RootElement);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"the event file {path} could not be read ({ex.Message}), so whether this pull request comes from a fork is unknown";
            return false;
        }
    }

    /// <summary>Reads the event payload: the head repository is not the base one.</summary>
    public static bool IsFork(JsonElement payload)
    {
        if (!payload.TryGetProperty("pull_request", out var pr) || pr.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var head = Repository(pr, "head");
        var baseRepo = Repository(pr, "base");
        // Not head.repo.fork: that is also true for a branch of a base repository that is itself a fork.
        var headName = FullName(head);
        // A deleted fork leaves head.repo null: still not the base repository.
        return head is null || (headName is not null && !string.Equals(headName, FullName(baseRepo), StringComparison.OrdinalIgnoreCase));
    }

    private static JsonElement? Repository(JsonElement pr, string side) =>
        pr.TryGetProperty(side, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("repo", out var repo) && repo.ValueKind == JsonValueKind.Object
            ? repo
            : null;

    private static string? FullName(JsonElement? repo) =>
        repo is { } r && r.TryGetProperty("full_name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
}
