namespace Blacksmith.Doubles.Docker;

/// <summary>A builder instance (buildx store/nodegroup.go, same field names as Go's encoding/json writes): <c>instances/&lt;name&gt;</c>.</summary>
internal sealed class NodeGroup
{
    public string Name { get; set; } = string.Empty;

    public string Driver { get; set; } = string.Empty;

    public List<Node> Nodes { get; set; } = [];

    public bool Dynamic { get; set; }
}
