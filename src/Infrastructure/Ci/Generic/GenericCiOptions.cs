namespace Blacksmith.Infrastructure.Ci.Generic;

/// <summary>How <see cref="GenericCiRuntime"/> reads inputs and where it keeps state, outputs and the summary.</summary>
public sealed record GenericCiOptions
{
    /// <summary>
    /// Holds <c>state.json</c> (what setup saved for post) and <c>summary.md</c>. Every step of the job must pass the
    /// same directory; the job directory is the natural choice.
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>Input values given as flags, by input name (<c>cache-key</c>); they win over <c>BLACKSMITH_*</c> variables.</summary>
    public IReadOnlyDictionary<string, string?> Inputs { get; init; } = new Dictionary<string, string?>();

    /// <summary>A JSON object file that collects the outputs (merged across steps); null for none.</summary>
    public string? OutputFile { get; init; }

    /// <summary>
    /// Prints outputs on standard output in the format of GitHub's output file (<c>name=value</c>, or
    /// <c>name&lt;&lt;DELIMITER</c> … <c>DELIMITER</c> for values with line breaks), while logs stay on standard error.
    /// </summary>
    public bool PrintOutputs { get; init; }

    /// <summary>Whether debug lines are printed.</summary>
    public bool Debug { get; init; }

    /// <summary>How groups are marked.</summary>
    public GenericLogStyle Style { get; init; } = GenericLogStyle.Plain;

    /// <summary><see cref="GenericLogStyle.GitLab"/> under GitLab CI, <see cref="GenericLogStyle.Buildkite"/> under Buildkite, else plain.</summary>
    public static GenericLogStyle DetectStyle(IEnvironmentReader environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.Read("GITLAB_CI") == "true" ? GenericLogStyle.GitLab
            : environment.Read("BUILDKITE") == "true" ? GenericLogStyle.Buildkite
            : GenericLogStyle.Plain;
    }
}
