using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// The journal writers' encoder: it answers "nothing to escape" for text made only of the printable ASCII characters
/// that <see cref="JavaScriptEncoder.Default"/> never escapes, and hands everything else to that encoder. The bytes
/// written are therefore the default's, while a step whose strings need no escaping never builds the default: its
/// class constructor lays out a bitmap of every allowed code point (about 1.6 % of a post with nothing to clean up,
/// docs/benchmarks.md), and a writer without an encoder builds it for the first string value it writes.
/// </summary>
internal sealed class JournalJsonEncoder : JavaScriptEncoder
{
    private JournalJsonEncoder()
    {
    }

    /// <summary>Options for a writer of journal JSON: the defaults, with this encoder.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = new JournalJsonEncoder() };

    public override int MaxOutputCharactersPerInputCharacter => Default.MaxOutputCharactersPerInputCharacter;

    /// <summary>
    /// Whether <see cref="JavaScriptEncoder.Default"/> leaves <paramref name="value"/> as it is whatever surrounds it:
    /// printable ASCII except the quote, the backslash and the characters it escapes as HTML-sensitive
    /// (<c>&amp; ' + &lt; &gt;</c> and the backtick). <c>JournalJsonEncoderTests</c> checks each against the default.
    /// </summary>
    public static bool NeverEscaped(int value) =>
        value is >= 0x20 and < 0x7F and not ('"' or '\\' or '&' or '\'' or '+' or '<' or '>' or '`');

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        foreach (var value in utf8Text)
        {
            if (!NeverEscaped(value))
            {
                return Default.FindFirstCharacterToEncodeUtf8(utf8Text);
            }
        }

        return -1;
    }

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        foreach (var value in new ReadOnlySpan<char>(text, textLength))
        {
            if (!NeverEscaped(value))
            {
                return Default.FindFirstCharacterToEncode(text, textLength);
            }
        }

        return -1;
    }

    public override bool WillEncode(int unicodeScalar) => !NeverEscaped(unicodeScalar) && Default.WillEncode(unicodeScalar);

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        Default.TryEncodeUnicodeScalar(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);

    public override OperationStatus EncodeUtf8(
        ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true) =>
        Default.EncodeUtf8(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);

    public override OperationStatus Encode(
        ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true) =>
        Default.Encode(source, destination, out charsConsumed, out charsWritten, isFinalBlock);
}
