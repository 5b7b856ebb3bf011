namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// Where an annotation points. Lines and columns start at 1; a value of 0 or less is left out, as @actions/core leaves
/// out 0, and the runner itself drops combinations that do not make sense (columns without a line …).
/// </summary>
/// <param name="Title">A title shown instead of the default.</param>
/// <param name="File">A path, relative to the workspace or absolute inside it.</param>
/// <param name="Line">The first line.</param>
/// <param name="EndLine">The last line.</param>
/// <param name="Column">The first column (<c>col</c>).</param>
/// <param name="EndColumn">The last column.</param>
public sealed record AnnotationProperties(
    string? Title = null,
    string? File = null,
    int? Line = null,
    int? EndLine = null,
    int? Column = null,
    int? EndColumn = null);
