using System.Globalization;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Where everything lives under the data directory (docs/local-store.md, "Layout on disk"). Everything is on the one
/// filesystem of <see cref="Root"/>, so that publishing a clone is a rename and cloning can share extents.
/// </summary>
internal sealed class StoreLayout(string root)
{
    public const string ImageSuffix = ".img";

    private const string RecordSuffix = ".json";
    private const int MaxIdLength = 64;

    /// <summary>The data directory, canonical (symbolic links resolved), as the kernel names loop devices' backing files.</summary>
    public string Root { get; } = root;

    public string MarkerPath => Path.Combine(Root, "store.json");

    public string LockPath => Path.Combine(Root, "store.lock");

    public string Keys => Path.Combine(Root, "keys");

    public string Clones => Path.Combine(Root, "clones");

    public string Exposures => Path.Combine(Root, "exposures");

    public string Owners => Path.Combine(Root, "owners");

    public string Trash => Path.Combine(Root, "trash");

    public IEnumerable<string> Directories => [Keys, Clones, Exposures, Owners, Trash];

    public string KeyDirectory(string encodedKey) => Path.Combine(Keys, encodedKey);

    public string Generations(string encodedKey) => Path.Combine(Keys, encodedKey, "generations");

    public string KeyRecord(string encodedKey) => Path.Combine(Keys, encodedKey, "key.json");

    public string Clone(string exposeId, string suffix) => Path.Combine(Clones, exposeId + suffix);

    public string Record(string exposeId) => Path.Combine(Exposures, exposeId + RecordSuffix);

    public string OwnerLock(string ownerId) => Path.Combine(Owners, ownerId + ".lock");

    /// <summary>A fresh name in the trash, where things go (by rename) before they are deleted.</summary>
    public string TrashEntry(string what) => Path.Combine(Trash, $"{what}.{Guid.NewGuid():N}");

    /// <summary>The name of generation <paramref name="number"/>, published from exposure <paramref name="exposeId"/>.</summary>
    public static string GenerationName(long number, string exposeId, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{number:D8}-{exposeId}{suffix}");

    /// <summary>Parses a generation's name; false for anything else (a temporary file, a stray).</summary>
    public static bool TryParseGeneration(string name, string suffix, out long number, out string exposeId)
    {
        number = 0;
        exposeId = "";
        if (!name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var stem = name[..^suffix.Length];
        var dash = stem.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !long.TryParse(stem.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            || !IsSafeId(stem[(dash + 1)..]))
        {
            return false;
        }

        exposeId = stem[(dash + 1)..];
        return number > 0;
    }

    /// <summary>The expose id whose record file this is, or null.</summary>
    public static string? RecordId(string fileName) =>
        fileName.EndsWith(RecordSuffix, StringComparison.Ordinal) && IsSafeId(fileName[..^RecordSuffix.Length])
            ? fileName[..^RecordSuffix.Length]
            : null;

    /// <summary>Expose ids and owner ids become file names: a short run of letters, digits, '-' and '_'.</summary>
    public static bool IsSafeId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
