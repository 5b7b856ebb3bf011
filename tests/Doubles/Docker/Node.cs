namespace Blacksmith.Doubles.Docker;

/// <summary>One node of an instance.</summary>
internal sealed class Node
{
    public string Name { get; set; } = string.Empty;

    public string Endpoint { get; set; } = string.Empty;

    public List<Platform>? Platforms { get; set; }

    public Dictionary<string, string>? DriverOpts { get; set; }

    /// <summary>BuildKit daemon flags; buildx keeps the old field name.</summary>
    public List<string>? Flags { get; set; }

    /// <summary>Config files given at create time, by base name (Go marshals []byte as base64, as System.Text.Json does).</summary>
    public Dictionary<string, byte[]>? Files { get; set; }
}
