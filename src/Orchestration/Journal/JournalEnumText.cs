using System.Globalization;
using System.Text.Json;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// Reads an enum written as a string the way System.Text.Json's string enum converter reads it, for the journal's
/// hand-written readers: they must take exactly what the converter took, or a journal that loaded before would not;
/// and writes one as the converter wrote it.
/// </summary>
internal static class JournalEnumText
{
    /// <summary>Writes <paramref name="value"/> by its name, or as a number when it has none, as the converter wrote it.</summary>
    /// <param name="writer">Where the value goes, after its property's name.</param>
    /// <param name="value">The enum's value.</param>
    /// <param name="names">The names the converter writes, indexed by value.</param>
    public static void Write(Utf8JsonWriter writer, int value, ReadOnlySpan<string> names)
    {
        if ((uint)value < (uint)names.Length)
        {
            writer.WriteStringValue(names[value]);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    /// <summary>
    /// <paramref name="value"/>'s name, or its number's text when it has none, as <see cref="Enum.ToString()"/> gives it
    /// (for the names the journal writes and the text around them, without that method's reflection under Native AOT).
    /// </summary>
    /// <param name="value">The enum's value.</param>
    /// <param name="names">The enum's names, indexed by value.</param>
    public static string NameOf(int value, ReadOnlySpan<string> names) =>
        (uint)value < (uint)names.Length ? names[value] : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The converter trims the text, takes an exact name, else an integer (an optional sign and ASCII digits, in range of
    /// int), else a comma-separated list of names whose values are OR-ed, for any enum. A name given by
    /// <c>JsonStringEnumMemberName</c> must match exactly; a C# name, which no attribute replaces, in any case.
    /// </summary>
    /// <param name="text">The string's value, unescaped.</param>
    /// <param name="names">The names the converter writes, indexed by value (the enum's values are 0 to n-1).</param>
    /// <param name="ignoreCase">True for C# names, false for names set by the attribute.</param>
    /// <param name="value">The value read; several names give their values OR-ed, as the converter gave them.</param>
    public static bool TryParse(string text, ReadOnlySpan<string> names, bool ignoreCase, out int value)
    {
        var source = text.AsSpan().Trim();
        if (IsInteger(source))
        {
            return int.TryParse(source, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        value = 0;
        var rest = source;
        do
        {
            ReadOnlySpan<char> next;
            var comma = rest.IndexOf(',');
            if (comma < 0)
            {
                next = rest;
                rest = default;
            }
            else
            {
                next = rest[..comma].TrimEnd();
                rest = rest[(comma + 1)..].TrimStart();
            }

            var found = IndexOf(next, names, comparison);
            if (found < 0)
            {
                value = 0;
                return false;
            }

            value |= found;
        }
        while (!rest.IsEmpty);

        return true;
    }

    /// <summary>Reads the reader's current value, a string as <see cref="TryParse"/> does or a number as any int, named or not.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, ReadOnlySpan<string> names, bool ignoreCase, out int value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return TryParse(reader.GetString()!, names, ignoreCase, out value);
            case JsonTokenType.Number:
                return reader.TryGetInt32(out value);
            default:
                value = 0;
                return false;
        }
    }

    private static int IndexOf(ReadOnlySpan<char> name, ReadOnlySpan<string> names, StringComparison comparison)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (name.Equals(names[i], comparison))
            {
                return i;
            }
        }

        return -1;
    }

    // The converter's test for an integer, ^\s*[+-]?[0-9]+\s*$, on text already trimmed.
    private static bool IsInteger(ReadOnlySpan<char> source)
    {
        var digits = source is ['+' or '-', ..] ? source[1..] : source;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
