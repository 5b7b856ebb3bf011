using System.Text;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// @docker/actions-toolkit v0.37.1 <c>Util.getList</c>: csv-parse 5 with <c>relax_quotes</c>,
/// <c>relax_column_count</c> and <c>skip_empty_lines</c>, then the toolkit's own splitting, dropping and trimming
/// (protocols §2.2). The CSV part is a port of csv-parse 5.5.6's parser restricted to those options, so the edge cases
/// (a quote inside an unquoted field is literal, text after a closing quote keeps both quotes, the record delimiter is
/// the first line break seen) come out as upstream's.
/// </summary>
internal static class ListInputParser
{
    private const char Quote = '"';
    private const char Delimiter = ',';

    /// <param name="name">The input's name, for the error.</param>
    /// <param name="input">The trimmed input.</param>
    /// <param name="options">How to split.</param>
    /// <param name="origin">Where the input came from, for the error.</param>
    public static IReadOnlyList<string> Split(string name, string input, ListInputOptions options, string origin)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length == 0)
        {
            return [];
        }

        var records = ParseCsv(input, quotes: !options.HasFlag(ListInputOptions.NoQuotes))
            ?? throw new CiInputException(
                name,
                $"Input '{name}' ({origin}) opens a double quote that is never closed. Close it, or double it (\"\") to "
                + "write a literal quote inside a quoted value.");

        var ignoreComma = options.HasFlag(ListInputOptions.IgnoreComma);
        var items = new List<string>();
        foreach (var record in records)
        {
            if (record.Count == 1)
            {
                if (ignoreComma)
                {
                    items.Add(record[0]);
                }
                else
                {
                    items.AddRange(record[0].Split(Delimiter));
                }
            }
            else if (!ignoreComma)
            {
                items.AddRange(record);
            }
            else
            {
                items.Add(string.Join(Delimiter, record));
            }
        }

        // Empty items go before trimming, so a whitespace-only item survives as "" (as upstream).
        return items.Where(item => item.Length > 0).Select(InputParsing.JsTrim).ToList();
    }

    /// <summary>The records, or null when the input ends inside a quoted field (csv-parse's CSV_QUOTE_NOT_CLOSED).</summary>
    private static List<List<string>>? ParseCsv(string input, bool quotes)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        string? recordDelimiter = null;
        var quoting = false;
        var wasQuoting = false;
        var escaping = false;

        void EndField()
        {
            record.Add(field.ToString());
            field.Clear();
            wasQuoting = false;
        }

        void EndRecord()
        {
            records.Add(record);
            record = [];
        }

        for (var pos = 0; pos < input.Length; pos++)
        {
            if (!quoting && recordDelimiter is null)
            {
                recordDelimiter = DiscoverRecordDelimiter(input, pos);
            }

            var chr = input[pos];
            if (escaping)
            {
                // The previous quote escaped this one: it is an ordinary character.
                escaping = false;
            }
            else
            {
                if (quotes && quoting && chr == Quote && pos + 1 < input.Length && input[pos + 1] == Quote)
                {
                    escaping = true;
                    continue;
                }

                if (quotes && chr == Quote)
                {
                    if (quoting)
                    {
                        var next = pos + 1;
                        var endsField = next >= input.Length
                            || input[next] == Delimiter
                            || (recordDelimiter is null
                                ? (recordDelimiter = DiscoverRecordDelimiter(input, next)) is not null
                                : string.CompareOrdinal(input, next, recordDelimiter, 0, recordDelimiter.Length) == 0);
                        quoting = false;
                        wasQuoting = true;
                        if (endsField)
                        {
                            continue;
                        }

                        // relax_quotes: text after the closing quote makes the whole field literal, quotes included.
                        field.Insert(0, Quote);
                    }
                    else if (field.Length == 0)
                    {
                        quoting = true;
                        continue;
                    }

                    // relax_quotes: a quote inside an unquoted field is an ordinary character.
                }

                if (!quoting)
                {
                    if (recordDelimiter is not null && string.CompareOrdinal(input, pos, recordDelimiter, 0, recordDelimiter.Length) == 0)
                    {
                        // skip_empty_lines: a line with nothing on it (not even "") is no record.
                        if (!(!wasQuoting && record.Count == 0 && field.Length == 0))
                        {
                            EndField();
                            EndRecord();
                        }

                        pos += recordDelimiter.Length - 1;
                        continue;
                    }

                    if (chr == Delimiter)
                    {
                        EndField();
                        continue;
                    }
                }
            }

            field.Append(chr);
        }

        if (quoting)
        {
            return null;
        }

        if (wasQuoting || record.Count != 0 || field.Length != 0)
        {
            EndField();
            EndRecord();
        }

        return records;
    }

    // csv-parse discovers the record delimiter from the first line break it meets outside quotes and uses only that one
    // afterwards: "\r\n" before "\r", so Windows line ends are one delimiter.
    private static string? DiscoverRecordDelimiter(string input, int pos)
    {
        if (pos >= input.Length)
        {
            return null;
        }

        return input[pos] switch
        {
            '\r' when pos + 1 < input.Length && input[pos + 1] == '\n' => "\r\n",
            '\n' => "\n",
            '\r' => "\r",
            _ => null,
        };
    }
}
