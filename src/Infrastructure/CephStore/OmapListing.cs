using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// Reads <c>rados listomapvals</c>: each entry is its key on a line of its own, <c>value (N bytes) :</c>, and a hex dump
/// of the value (<c>00000000  7b 22 …  |{"…|</c>), then an empty line. The hex, not the printable column, is read, so
/// any value comes back exactly.
/// </summary>
internal static class OmapListing
{
    public static IReadOnlyDictionary<string, string> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i + 1 >= lines.Length || !lines[i + 1].StartsWith("value (", StringComparison.Ordinal) || lines[i].Length == 0)
            {
                continue;
            }

            var key = lines[i];
            var bytes = new List<byte>();
            var j = i + 2;
            for (; j < lines.Length && lines[j].Length > 0; j++)
            {
                var line = lines[j];
                var bar = line.IndexOf('|', StringComparison.Ordinal);
                var hex = (bar < 0 ? line : line[..bar]).Split(' ', StringSplitOptions.RemoveEmptyEntries);

                // The first column is the offset; a line with the offset alone ends the dump.
                foreach (var pair in hex.Skip(1))
                {
                    bytes.Add(byte.Parse(pair, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }

            entries[key] = Encoding.UTF8.GetString(bytes.ToArray());
            i = j;
        }

        return entries;
    }
}
