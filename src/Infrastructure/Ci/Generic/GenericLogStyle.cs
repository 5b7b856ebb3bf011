namespace Blacksmith.Infrastructure.Ci.Generic;

/// <summary>How the generic runtime marks log groups, so they fold where the CI can fold them.</summary>
public enum GenericLogStyle
{
    /// <summary>A heading line; nothing folds.</summary>
    Plain,

    /// <summary>GitLab CI's collapsible sections (<c>section_start</c> / <c>section_end</c>).</summary>
    GitLab,

    /// <summary>Buildkite's <c>--- title</c> group headers (a group runs until the next header).</summary>
    Buildkite,
}
