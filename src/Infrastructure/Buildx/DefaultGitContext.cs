using System.Text.RegularExpressions;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// The build context used when the user gives none, and what <c>{{defaultContext}}</c> stands for: the run's
/// repository at the run's commit, as docker/actions-toolkit's <c>Build.gitContext()</c> makes it (the version
/// docker/build-push-action v7 uses; protocols §2.8).
/// </summary>
internal static partial class DefaultGitContext
{
    /// <summary>
    /// <c>&lt;server&gt;/&lt;owner&gt;/&lt;repo&gt;.git#&lt;commit&gt;</c> (or <c>?ref=&lt;commit&gt;</c> when the
    /// query form is asked for and buildx ≥ 0.29.0 reads it); null off GitHub Actions.
    /// </summary>
    public static string? For(BuildEnvironment environment, BuildxVersion buildx)
    {
        if (environment.Repository is null || (environment.Ref is null && environment.Sha is null))
        {
            return null;
        }

        var reference = environment.Ref ?? string.Empty;
        if (!reference.StartsWith("refs/", StringComparison.Ordinal))
        {
            reference = $"refs/heads/{reference}";
        }
        else if (reference.StartsWith("refs/pull/", StringComparison.Ordinal) && environment.PullRequestHeadRef)
        {
            reference = MergeSuffix().Replace(reference, "/head");
        }

        // The event's commit pins the context; a pull request's head ref pins the head commit instead of the merge.
        var pinned = environment.Sha ?? reference;
        if (reference.StartsWith("refs/pull/", StringComparison.Ordinal) && reference.EndsWith("/head", StringComparison.Ordinal))
        {
            pinned = environment.PullRequestHeadSha ?? reference;
        }

        var repository = $"{environment.ServerUrl}/{environment.Repository}.git";
        return environment.SendGitQueryAsInput && buildx.IsAtLeast(0, 29, 0) ? $"{repository}?ref={pinned}" : $"{repository}#{pinned}";
    }

    /// <summary>
    /// Replaces <c>{{defaultContext}}</c> (also <c>{{ defaultContext }}</c> and <c>{{{defaultContext}}}</c>) with
    /// the default git context, verbatim; every other character stays as it is.
    /// </summary>
    /// <exception cref="InvalidBuildInputsException">The text uses it and there is no default git context.</exception>
    public static string Render(string text, string? defaultContext, string input)
    {
        if (!Placeholder().IsMatch(text))
        {
            return text;
        }

        return defaultContext is null
            ? throw new InvalidBuildInputsException(
                $"The input '{input}' uses {{{{defaultContext}}}}, but there is no default git context: it needs GITHUB_REPOSITORY and GITHUB_SHA or GITHUB_REF (GitHub Actions).")
            : Placeholder().Replace(text, _ => defaultContext);
    }

    [GeneratedRegex("/merge$", RegexOptions.CultureInvariant)]
    private static partial Regex MergeSuffix();

    [GeneratedRegex(@"\{\{\{?\s*defaultContext\s*\}?\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
