namespace Blacksmith.Doubles.Docker;

/// <summary>reference.ParseNormalizedNamed and TagNameOnly: Docker Hub names made explicit, <c>:latest</c> added.</summary>
internal static class ImageReference
{
    public static string Normalize(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? string.Empty : name[..slash];
        var hasRegistry = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        var full = hasRegistry ? name : slash < 0 ? $"docker.io/library/{name}" : $"docker.io/{name}";
        var lastSegment = full[(full.LastIndexOf('/') + 1)..];
        return lastSegment.Contains(':', StringComparison.Ordinal) || full.Contains('@', StringComparison.Ordinal) ? full : full + ":latest";
    }
}
