namespace Blacksmith.Infrastructure.Ci;

/// <summary>The annotation kinds of GitHub Actions (<c>::notice::</c>, <c>::warning::</c>, <c>::error::</c>).</summary>
public enum AnnotationKind
{
    Notice,
    Warning,
    Error,
}
