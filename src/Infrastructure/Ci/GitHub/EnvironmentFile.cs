using System.Text;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// One of the runner's key/value environment files (<c>GITHUB_OUTPUT</c>, <c>GITHUB_STATE</c>, <c>GITHUB_ENV</c>),
/// appended in the <c>name&lt;&lt;delimiter</c> form @actions/core uses for every value (protocols §1.2).
/// </summary>
internal sealed class EnvironmentFile(string variable, IEnvironmentReader environment, Random random)
{
    // The runner reads the files as UTF-8 and, on Linux and macOS, breaks lines on LF only.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private const int DelimiterAttempts = 8;

    /// <summary>The environment variable that names the file.</summary>
    public string Variable { get; } = variable;

    /// <summary>Appends <paramref name="name"/> = <paramref name="value"/>.</summary>
    /// <exception cref="CiRuntimeException">The variable is unset, or the file cannot be appended to.</exception>
    public void Append(string name, string value)
    {
        Write(Entry(name, value, random));
    }

    /// <summary>One entry in the heredoc form, ending with a line break: <c>name&lt;&lt;DELIM</c>, the value, <c>DELIM</c>.</summary>
    public static string Entry(string name, string value, Random random)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        var delimiter = NewDelimiter(name, value, random);
        return $"{name}<<{delimiter}\n{value}\n{delimiter}\n";
    }

    /// <summary>
    /// A delimiter the runner cannot mistake for a line of the value: random, and checked not to occur anywhere in the
    /// name or value (the runner would end the value at the first line equal to it, and @actions/core refuses the same).
    /// </summary>
    internal static string NewDelimiter(string name, string value, Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var attempt = 0; attempt < DelimiterAttempts; attempt++)
        {
            random.NextBytes(bytes);
            var delimiter = $"ghadelimiter_{new Guid(bytes):D}";
            if (!value.Contains(delimiter, StringComparison.Ordinal) && !name.Contains(delimiter, StringComparison.Ordinal))
            {
                return delimiter;
            }
        }

        // Only a broken random source gets here: a 122-bit random string does not turn up in a value by chance.
        throw new InvalidOperationException($"No delimiter for '{name}' in {DelimiterAttempts} attempts that does not occur in its value.");
    }

    /// <summary>Refuses names the runner would misread.</summary>
    public static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // A '=' before the '<<' would make the runner read the line as NAME=VALUE; a line break would end the name.
        if (name.Contains('=', StringComparison.Ordinal) || name.Contains("<<", StringComparison.Ordinal)
            || name.Contains('\n', StringComparison.Ordinal) || name.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' cannot be a name in an environment file: it contains '=', '<<' or a line break.", nameof(name));
        }
    }

    private void Write(string text)
    {
        var path = environment.Read(Variable);
        if (string.IsNullOrEmpty(path))
        {
            throw new CiRuntimeException($"{Variable} is not set, so there is no file to write to. Is this running as a step of a GitHub Actions job?");
        }

        try
        {
            // One append per entry: the runner reads the file only after the step's process exits.
            File.AppendAllText(path, text, Utf8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CiRuntimeException($"Cannot append to the {Variable} file '{path}': {ex.Message}", ex);
        }
    }
}
