using System.Collections.Immutable;

namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// The secrets registered in this process, replaced by <c>***</c> in everything we print or log ourselves. The Actions
/// runner masks its log after <c>::add-mask::</c>, but nothing masks our JSON log file, and other CI systems mask only
/// the variables they were configured with.
/// </summary>
/// <remarks>
/// Like the runner's masker, a multi-line secret is registered with each of its trimmed lines, and encoders add the
/// forms a secret takes in other formats (the JSON log escapes quotes and backslashes).
/// </remarks>
public sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly Lock _lock = new();
    private ImmutableArray<string> _secrets = [];
    private ImmutableArray<Func<string, string>> _encoders = [];

    /// <summary>Whether any secret is registered.</summary>
    public bool IsEmpty => _secrets.IsEmpty;

    /// <summary>Registers a secret, each of its non-blank lines, and their encoded forms. Blank values are ignored.</summary>
    public void Add(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        lock (_lock)
        {
            var values = new HashSet<string>(_secrets, StringComparer.Ordinal) { secret };
            foreach (var line in secret.Split(['\r', '\n']))
            {
                if (line.Trim() is { Length: > 0 } trimmed)
                {
                    values.Add(trimmed);
                }
            }

            foreach (var value in values.ToList())
            {
                foreach (var encode in _encoders)
                {
                    values.Add(encode(value));
                }
            }

            Publish(values);
        }
    }

    /// <summary>Adds a form secrets take in some output (an escaping); applied to secrets registered before and after.</summary>
    public void AddEncoder(Func<string, string> encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        lock (_lock)
        {
            _encoders = _encoders.Add(encoder);
            var values = new HashSet<string>(_secrets, StringComparer.Ordinal);
            foreach (var value in _secrets)
            {
                values.Add(encoder(value));
            }

            Publish(values);
        }
    }

    /// <summary>The text with every registered secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var secrets = _secrets;
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    // Longest first, so a secret is replaced whole before a line or prefix of it is. Sorted by one comparison rather
    // than LINQ's OrderByDescending and ThenBy, whose generic virtual call Native AOT resolves at run time on every
    // step's start (the JSON log's encoder is added before any secret).
    private void Publish(HashSet<string> values)
    {
        var ordered = values.Where(v => v.Length > 0).ToArray();
        Array.Sort(ordered, static (a, b) => a.Length != b.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
        _secrets = ImmutableArray.Create(ordered);
    }
}
