namespace Blacksmith.Doubles.Docker;

/// <summary>A build's local state: <c>refs/&lt;builder&gt;/&lt;node&gt;/&lt;ref&gt;</c> (buildx localstate.State).</summary>
internal sealed class LocalState
{
    public string Target { get; set; } = string.Empty;

    public string LocalPath { get; set; } = string.Empty;

    public string DockerfilePath { get; set; } = string.Empty;

    public string GroupRef { get; set; } = string.Empty;
}
