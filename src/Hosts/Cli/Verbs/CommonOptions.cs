using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Blacksmith.Cli.Verbs;

/// <summary>Options several verbs share, spelled and described the same everywhere.</summary>
internal static class CommonOptions
{
    /// <summary>On the root command and so on every verb (recursive): more log lines, and the stack trace of a bug.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Log every command, transition and tool line (debug level), and print the stack trace of an internal error. "
            + "Default: off. Flag only; on GitHub Actions, step debug logging (RUNNER_DEBUG=1) shows debug lines.",
        Recursive = true,
    };

    public static Option<string?> JobDirectory() => new(Infrastructure.Journal.JobDirectory.FlagName)
    {
        Description = "The job's directory: its journal, logs, state for post and the daemon's log. An absolute path that every step of "
            + $"the job, and no other job, uses. Default: {Infrastructure.Journal.JobDirectory.EnvironmentVariable}, else derived from the CI's "
            + "job: $RUNNER_TEMP/blacksmith/<run>-<job>-<attempt> on GitHub Actions, <tmp>/blacksmith/gitlab-<CI_JOB_ID> on GitLab CI, "
            + "<tmp>/blacksmith/buildkite-<BUILDKITE_JOB_ID> on Buildkite.",
        HelpName = "dir",
    };

    /// <summary>
    /// Parses a whole number and says so in words when it is not one: System.CommandLine's own message names a .NET
    /// type (<c>System.Nullable`1[System.Int32]</c>).
    /// </summary>
    public static int? WholeNumber(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        var name = result.Parent is OptionResult option ? option.Option.Name : "the value";
        result.AddError($"{name} must be a whole number, not '{text}'.");
        return null;
    }
}
