using System.Globalization;
using System.Numerics;
using System.Text;

namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>
/// Reads the kernel's list of mounts. <c>/proc/self/mountinfo</c> rather than <c>/proc/mounts</c> or the output of
/// <c>mount</c>: it is the kernel's own table for this process's mount namespace, its mount point is a field of its own
/// (no <c>grep</c> that also matches <c>/var/lib/buildkit-old</c>), and it needs no process and no privilege.
/// </summary>
internal static class MountInfo
{
    public const string SelfPath = "/proc/self/mountinfo";

    // Ten fields at least: six before the optional ones, the separator, three after it.
    private const int FieldsBeforeOptional = 6;
    private const string Separator = "-";

    public static async Task<IReadOnlyList<MountInfoEntry>> ReadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllTextAsync(path, cancellationToken));

    /// <summary>Parses the whole table; a line that does not have the documented shape throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<MountInfoEntry>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length > 0)
            {
                entries.Add(ParseLine(line));
            }
        }

        return entries;
    }

    public static MountInfoEntry ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);

        // Fields are separated by exactly one space (the kernel escapes spaces inside them), so an empty field, such
        // as an empty source, stays in its place.
        var fields = line.Split(' ');
        var separator = fields.Length > FieldsBeforeOptional ? Array.IndexOf(fields, Separator, FieldsBeforeOptional) : -1;
        // Three fields follow the separator; later kernels may append more, which are ignored as proc(5) asks.
        if (separator < 0 || fields.Length - separator - 1 < 3)
        {
            throw new FormatException($"Not a mountinfo line (expected six fields, optional fields, '-', and three more): {line}");
        }

        var device = fields[2].Split(':');
        if (device.Length != 2)
        {
            throw new FormatException($"Not a major:minor device number in mountinfo field 3: {line}");
        }

        return new MountInfoEntry(
            ParseNumber<int>(fields[0], line),
            ParseNumber<int>(fields[1], line),
            ParseNumber<uint>(device[0], line),
            ParseNumber<uint>(device[1], line),
            Unescape(fields[3]),
            Unescape(fields[4]),
            fields[5],
            fields[FieldsBeforeOptional..separator],
            Unescape(fields[separator + 1]),
            Unescape(fields[separator + 2]),
            fields[separator + 3]);
    }

    /// <summary>Whether anything is mounted at <paramref name="canonicalPath"/> (stacked mounts count once each).</summary>
    public static bool IsMountPoint(IEnumerable<MountInfoEntry> entries, string canonicalPath) =>
        entries.Any(entry => string.Equals(entry.MountPoint, canonicalPath, StringComparison.Ordinal));

    /// <summary>
    /// The source of the topmost mount at <paramref name="canonicalPath"/>, or null when nothing is mounted there. The
    /// table lists mounts in the order they were made, so a mount stacked on another comes after it.
    /// </summary>
    public static string? SourceAt(IEnumerable<MountInfoEntry> entries, string canonicalPath) =>
        entries.LastOrDefault(entry => string.Equals(entry.MountPoint, canonicalPath, StringComparison.Ordinal))?.Source;

    /// <summary>
    /// Undoes the kernel's escaping of paths: space, tab, newline and backslash become <c>\ooo</c> octal escapes
    /// (<c>\040</c> for a space). The escapes stand for bytes, so they are decoded as UTF-8 together with the rest.
    /// </summary>
    public static string Unescape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var raw = Encoding.UTF8.GetBytes(field);
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\' && i + 3 < raw.Length && IsOctal(raw[i + 1]) && IsOctal(raw[i + 2]) && IsOctal(raw[i + 3]))
            {
                var value = ((raw[i + 1] - '0') * 64) + ((raw[i + 2] - '0') * 8) + (raw[i + 3] - '0');
                if (value <= byte.MaxValue)
                {
                    bytes.Add((byte)value);
                    i += 3;
                    continue;
                }
            }

            bytes.Add(raw[i]);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';

    private static T ParseNumber<T>(string text, string line)
        where T : IBinaryInteger<T> =>
        T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"Not a number in mountinfo ('{text}'): {line}");
}
