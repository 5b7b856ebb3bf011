namespace Blacksmith.Infrastructure.Ci;

/// <summary>Conveniences over <see cref="ICiRuntime"/> that every host wants the same way.</summary>
public static class CiRuntimeExtensions
{
    /// <summary>
    /// Appends to the step summary; a summary that cannot be written is a warning, never a failed step: the
    /// summary repeats what the log already says.
    /// </summary>
    public static void TryAppendSummary(this ICiRuntime ci, string markdown)
    {
        ArgumentNullException.ThrowIfNull(ci);
        try
        {
            ci.AppendSummary(markdown);
        }
        catch (CiRuntimeException ex)
        {
            ci.Annotate(AnnotationKind.Warning, $"The step summary could not be written: {ex.Message}");
        }
    }
}
