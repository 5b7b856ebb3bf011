using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// The journal writers' encoder against <see cref="JavaScriptEncoder.Default"/>, which a writer without an encoder
/// uses: the journal's bytes must not change with it.
/// </summary>
public sealed class JournalJsonEncoderTests
{
    private const int Seeds = 300;

    private static readonly JavaScriptEncoder Encoder = JournalJsonEncoder.WriterOptions.Encoder!;

    [Fact]
    public void The_characters_it_passes_are_exactly_the_ascii_ones_the_default_encoder_never_escapes()
    {
        for (var value = 0; value < 0x80; value++)
        {
            var escapedByDefault = JavaScriptEncoder.Default.FindFirstCharacterToEncodeUtf8([(byte)value]) == 0;
            Assert.True(JournalJsonEncoder.NeverEscaped(value) == !escapedByDefault, $"U+{value:X4}");
        }

        Assert.DoesNotContain(Enumerable.Range(0x80, 0x10000 - 0x80), JournalJsonEncoder.NeverEscaped);
    }

    [Fact]
    public void It_answers_what_the_default_encoder_answers_for_every_character()
    {
        for (var value = 0; value < 0x10000; value++)
        {
            // A surrogate is not a scalar value: both encoders refuse to be asked about one.
            if (!char.IsSurrogate((char)value))
            {
                Assert.True(Encoder.WillEncode(value) == JavaScriptEncoder.Default.WillEncode(value), $"WillEncode U+{value:X4}");
            }

            var text = ((char)value).ToString();
            Assert.True(Encoder.FindFirstCharacterToEncodeUtf8(Encoding.UTF8.GetBytes(text)) == JavaScriptEncoder.Default.FindFirstCharacterToEncodeUtf8(Encoding.UTF8.GetBytes(text)), $"UTF-8 U+{value:X4}");
            Assert.Equal(JavaScriptEncoder.Default.Encode(text), Encoder.Encode(text));
        }
    }

    [Fact]
    public void A_writer_with_it_writes_every_character_as_a_writer_without_an_encoder_does()
    {
        var text = new StringBuilder();
        for (var value = 0; value < 0x10000; value++)
        {
            var around = text.Clear().Append('a').Append((char)value).Append('b').ToString();
            Assert.True(Written(around, JournalJsonEncoder.WriterOptions).SequenceEqual(Written(around, default)), $"U+{value:X4}");
        }
    }

    [Fact]
    public void A_writer_with_it_writes_varied_text_as_a_writer_without_an_encoder_does()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var value = f.PickRandom(
                f.Lorem.Sentence(),
                f.System.FilePath(),
                f.Internet.UrlWithPath(),
                f.Random.String2(f.Random.Int(0, 40), " !#$%()*,-./:;=?@[]^_{|}~\"\\&'+<>`\t\n\u007f"),
                f.Random.Utf16String(0, 40),
                f.Name.FullName() + " " + f.Random.String2(3, "éü日本😀"));

            Assert.Equal(Encoding.UTF8.GetString(Written(value, default)), Encoding.UTF8.GetString(Written(value, JournalJsonEncoder.WriterOptions)));
        }
    }

    /// <summary>The value written every way the journal writes a string: as a property's value, from UTF-16 and UTF-8, and as a name.</summary>
    private static byte[] Written(string value, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            writer.WriteString("utf16"u8, value);
            writer.WriteString("utf8"u8, Encoding.UTF8.GetBytes(value));
            writer.WriteString(value, "name");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
