namespace Blacksmith.Agent.Server;

/// <summary>
/// A field a caller chose, as a log argument: it shows as <see cref="CallerText.Sanitize"/> makes it, and only when the
/// line is written.
/// </summary>
internal readonly struct CallerField(string? value)
{
    public override string ToString() => CallerText.Sanitize(value);
}
