namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>An <c>::error</c>, <c>::warning</c> or <c>::notice</c> workflow command a step printed, unescaped.</summary>
/// <param name="Kind">error, warning or notice.</param>
/// <param name="Message">The data, unescaped.</param>
/// <param name="Properties">file, line, title..., unescaped.</param>
internal sealed record Annotation(string Kind, string Message, IReadOnlyDictionary<string, string> Properties)
{
    public override string ToString() => $"{Kind}: {Message}";
}
