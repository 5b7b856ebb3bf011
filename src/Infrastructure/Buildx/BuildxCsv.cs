using System.Text;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// The CSV reading docker/actions-toolkit does on one attribute string (csv-parse: <c>,</c> between fields, a line
/// break between records, a field that starts with <c>"</c> is quoted and <c>""</c> inside it is a quote). Unlike
/// csv-parse it never throws: text after a closing quote is kept, an unclosed quote runs to the end. Empty records
/// are skipped.
/// </summary>
internal static class BuildxCsv
{
    /// <summary>The records of <paramref name="text"/>, each a list of fields (trimmed when <paramref name="trim"/>).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Records(string text, bool trim = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<IReadOnlyList<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStart = true;

        void EndField()
        {
            var value = field.ToString();
            fields.Add(trim ? value.Trim() : value);
            field.Clear();
            fieldStart = true;
        }

        void EndRecord()
        {
            EndField();
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                records.Add([.. fields]);
            }

            fields.Clear();
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            if (c == '"' && fieldStart && (trim ? field.ToString().Trim().Length == 0 : field.Length == 0))
            {
                field.Clear();
                quoted = true;
                fieldStart = false;
                continue;
            }

            switch (c)
            {
                case ',':
                    EndField();
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    if (!char.IsWhiteSpace(c) || !trim)
                    {
                        fieldStart = false;
                    }

                    break;
            }
        }

        EndRecord();
        return records;
    }

    /// <summary>
    /// Splits an attribute at its first <c>=</c>, both sides trimmed; the value is null when there is no <c>=</c>.
    /// </summary>
    public static (string Key, string? Value) KeyValue(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var equals = field.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (field.Trim(), null) : (field[..equals].Trim(), field[(equals + 1)..].Trim());
    }
}
