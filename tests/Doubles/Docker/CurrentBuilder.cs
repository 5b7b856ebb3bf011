namespace Blacksmith.Doubles.Docker;

/// <summary>The <c>current</c> file: which instance is in use for which docker endpoint.</summary>
internal sealed class CurrentBuilder
{
    public string Key { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public bool Global { get; set; }
}
