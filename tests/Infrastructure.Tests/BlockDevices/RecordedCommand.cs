namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>A command as <see cref="ScriptedCommandRunner"/> received it.</summary>
internal sealed record RecordedCommand(string File, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>The whole argument vector on one line, for assertions that read like a shell.</summary>
    public string Line => string.Join(' ', [File, .. Arguments]);
}
