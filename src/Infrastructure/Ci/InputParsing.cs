namespace Blacksmith.Infrastructure.Ci;

/// <summary>The parsing both runtimes share, so an input means the same on GitHub Actions and elsewhere.</summary>
internal static class InputParsing
{
    private static readonly string[] TrueValues = ["true", "True", "TRUE"];
    private static readonly string[] FalseValues = ["false", "False", "FALSE"];

    /// <summary>
    /// JavaScript's <c>String.prototype.trim</c>, which @actions/core applies to every input: Unicode spaces and line
    /// terminators, and U+FEFF, but not U+0085 (which .NET's <c>Trim</c> would remove).
    /// </summary>
    public static string JsTrim(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var start = 0;
        var end = value.Length;
        while (start < end && IsJsWhitespace(value[start]))
        {
            start++;
        }

        while (end > start && IsJsWhitespace(value[end - 1]))
        {
            end--;
        }

        return start == 0 && end == value.Length ? value : value[start..end];
    }

    /// <summary>The YAML 1.2 core schema's booleans, exactly as <c>getBooleanInput</c> accepts them; empty gives the default.</summary>
    public static bool ParseBoolean(string name, string value, bool defaultValue, string origin)
    {
        if (value.Length == 0)
        {
            return defaultValue;
        }

        if (TrueValues.Contains(value, StringComparer.Ordinal))
        {
            return true;
        }

        if (FalseValues.Contains(value, StringComparer.Ordinal))
        {
            return false;
        }

        throw new CiInputException(
            name,
            $"Input '{name}' ({origin}) is '{value}', which is not a boolean. Use one of true, True, TRUE, false, False or "
            + "FALSE (YAML 1.2 core schema), or leave it empty for the default.");
    }

    private static bool IsJsWhitespace(char c) => c == '\uFEFF' || (c != '\u0085' && char.IsWhiteSpace(c));
}
