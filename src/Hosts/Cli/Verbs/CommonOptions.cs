using System.CommandLine;

namespace Blacksmith.Cli.Verbs;

/// <summary>Options several verbs share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> JobDirectory() => new("--job-dir")
    {
        Description = "The job's directory (journal, daemon log). Default: BLACKSMITH_JOB_DIR, else derived from the CI's job id.",
    };
}
