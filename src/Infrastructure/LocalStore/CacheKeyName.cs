using System.Globalization;
using System.Text;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Cache keys as the store accepts them, and the directory name each one is kept under. A key comes from a workflow
/// file, so it is checked before it touches a path: a bounded length, a small character set, and nothing that could
/// climb out of the store (<c>..</c>) or name a hidden file. The name on disk percent-encodes the characters that are
/// not safe in one path component (<c>/</c> <c>:</c> <c>+</c> <c>@</c>), so <c>owner/repo</c> stays one directory.
/// </summary>
/// <remarks>
/// Public because setup checks a key with the same rule before it does anything (a bad key is bad input, exit 2),
/// in agent mode too: a key is one rule wherever the cache lives.
/// </remarks>
public static class CacheKeyName
{
    public const int MaxLength = 128;

    /// <summary>What a valid key looks like, for error messages and the docs.</summary>
    public const string Rule =
        "a key is 1-128 characters: ASCII letters, digits and . _ - / : + @, starting with a letter or digit, with no '..' or '//' and not ending in '/'";

    // Well under NAME_MAX (255) so that temporary names beside it fit too.
    private const int MaxEncodedLength = 240;

    private const string Encoded = "/:+@";

    /// <summary>The key's directory name, or an <see cref="ExternalCallException"/> naming what is wrong with it.</summary>
    internal static string Encode(string? key, string operation)
    {
        var problem = Problem(key);
        if (problem is not null)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"cache key {Printable(key)} is not valid: {problem}; {Rule}");
        }

        var name = Name(key!);
        if (name.Length > MaxEncodedLength)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"cache key {Printable(key)} is not valid: it is too long once its / : + @ are encoded ({name.Length} > {MaxEncodedLength} bytes)");
        }

        return name;
    }

    /// <summary>The key a directory name stands for, or null when the name is not one this store made.</summary>
    internal static string? Decode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '%')
            {
                key.Append(name[i]);
                continue;
            }

            if (i + 2 >= name.Length
                || !int.TryParse(name.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                || !Encoded.Contains((char)code, StringComparison.Ordinal))
            {
                return null;
            }

            key.Append((char)code);
            i += 2;
        }

        // Only the name Encode gives a key stands for it: "a@" (a literal @) or "a%2f" (lower-case hex) would otherwise
        // read as the keys of "a%40" and "a%2F", a key listed under a name that removing it never finds.
        var decoded = key.ToString();
        return Problem(decoded) is null && Name(decoded) == name ? decoded : null;
    }

    private static string Name(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (Encoded.Contains(c, StringComparison.Ordinal))
            {
                name.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                name.Append(c);
            }
        }

        return name.ToString();
    }

    /// <summary>What is wrong with <paramref name="key"/>, or null when it is valid.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "it is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"it is {key.Length} characters long";
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-') && !Encoded.Contains(c, StringComparison.Ordinal))
            {
                return char.IsControl(c) || char.IsWhiteSpace(c)
                    ? $"it contains the character U+{(int)c:X4}"
                    : $"it contains '{c}'";
            }
        }

        if (!char.IsAsciiLetterOrDigit(key[0]))
        {
            return $"it starts with '{key[0]}'";
        }

        if (key.Contains("..", StringComparison.Ordinal))
        {
            return "it contains '..'";
        }

        if (key.Contains("//", StringComparison.Ordinal))
        {
            return "it contains '//'";
        }

        return key.EndsWith('/') ? "it ends in '/'" : null;
    }

    /// <summary>The key quoted for a message, with control characters escaped and the length bounded.</summary>
    public static string Printable(string? key)
    {
        if (key is null)
        {
            return "(none)";
        }

        var shown = new StringBuilder("'");
        foreach (var c in key.Length > MaxLength + 32 ? key[..(MaxLength + 32)] : key)
        {
            if (char.IsControl(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.Append(key.Length > MaxLength + 32 ? "…'" : "'").ToString();
    }
}
