using System.Security.Cryptography;
using System.Text;
using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// How a cache key and an exposure become names in the cluster (docs/agent.md, "Names in the cluster"). The key is
/// encoded as the local store encodes a directory name (<see cref="CacheKeyName"/>: <c>/ : + @</c> become <c>%2F %3A %2B
/// %40</c>), which leaves letters, digits and <c>. _ - %</c> only, none of which RBD gives a meaning (<c>/</c> separates
/// pool, namespace and image, <c>@</c> names a snapshot). Each exposure is an image of its own,
/// <c>&lt;encoded key&gt;~&lt;expose id&gt;</c>; a committed one keeps its data in the snapshot <c>gen</c>. <c>~</c> is in
/// neither a key nor an expose id, so a name splits at its last <c>~</c>. An encoded key longer than
/// <see cref="MaxKeyPart"/> is cut and followed by a hash of the whole key, so that an image name stays a valid file
/// name under rbd-fuse (255 bytes).
/// </summary>
internal static class CephImageNames
{
    /// <summary>The snapshot a committed exposure's image keeps its generation in.</summary>
    public const string Snapshot = "gen";

    /// <summary>The object that lists every key with generations (omap: encoded key).</summary>
    public const string KeysObject = "blacksmith.keys";

    /// <summary>The object that holds every exposure's record (omap: expose id → JSON).</summary>
    public const string ExposuresObject = "blacksmith.exposures";

    /// <summary>The longest key part of an image name.</summary>
    public const int MaxKeyPart = 160;

    private const string KeyObjectPrefix = "blacksmith.key.";

    /// <summary>The key's encoded name, or <see cref="Orchestration.Ports.ExternalCallException"/> naming what is wrong with the key.</summary>
    public static string Encode(string? key, string operation) => CacheKeyName.Encode(key, operation);

    /// <summary>The key's own object: its generations (omap <c>state</c>) and the lock that serialises their updates.</summary>
    public static string KeyObject(string encodedKey) => KeyObjectPrefix + encodedKey;

    /// <summary>The image of one exposure of the key.</summary>
    public static string Image(string encodedKey, string exposeId) => KeyPart(encodedKey) + "~" + exposeId;

    /// <summary>Whether <paramref name="image"/> is one of the images of <paramref name="encodedKey"/>.</summary>
    public static bool IsImageOf(string image, string encodedKey) =>
        image.LastIndexOf('~') is var split and > 0 && string.Equals(image[..split], KeyPart(encodedKey), StringComparison.Ordinal);

    /// <summary>The expose id of an image this store made, or null.</summary>
    public static string? ExposeIdOf(string image) => image.LastIndexOf('~') is var split and > 0 ? image[(split + 1)..] : null;

    private static string KeyPart(string encodedKey)
    {
        if (encodedKey.Length <= MaxKeyPart)
        {
            return encodedKey;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(encodedKey)))[..16];
        return encodedKey[..(MaxKeyPart - 17)] + "." + hash;
    }
}
