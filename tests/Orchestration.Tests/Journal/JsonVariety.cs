using System.Globalization;
using System.Text;
using System.Text.Json;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// Varied text and JSON for the differential tests of the journal's hand-written JSON: strings that need escaping,
/// non-ASCII text, big numbers, and lines mutated a byte or a token at a time.
/// </summary>
internal static class JsonVariety
{
    private static readonly string[] Pieces =
    [
        "\"", "\\", "/", "\n", "\r", "\t", "\u0001", "\u001f", "<", ">", "&", "'", "+", "`", "é", "ß", "日本", "😀", "\u2028", "\u00a0",
        "\ufeff", " ", "post-", "setup-", "PostRequested", "stickydisk.expose", "commit", "skip",
    ];

    // Inserted into lines, one at a time: what breaks JSON, what changes a type, what adds a field or repeats one.
    private static readonly string[] Insertions =
    [
        ",", "\"", "{", "}", "[", "]", ":", " ", "\\", "null", "1", "-", "0", ".5", "e9", "true", "/**/", "//", "\u00e9",
        "\"v\":1,", "\"v\":\"1\",", "\"seq\":2,", "\"kind\":\"effect\",", "\"kind\":7,", "\"kind\":\"Effect\",", "\"kind\":null,",
        "\"session\":null,", "\"type\":\"\",", "\"payload\":null,", "\"ts\":\"2026-12-05\",", "\"x\":[1,{\"y\":null}],", "\"$id\":\"1\",",
        "\"decision\":\"commit\",", "\"reason\":\"buildfailed\",", "\"reason\":3,", "\"also\":null,", "\"detail\":null,",
        "\"fsUsageBytes\":null,", "\"fsUsageBytes\":1e3,", "\"$type\":\"skip\",",
    ];

    public static string Text(Faker f)
    {
        var builder = new StringBuilder();
        var count = f.Random.Int(0, 6);
        for (var i = 0; i < count; i++)
        {
            builder.Append(f.Random.Bool(0.6f) ? f.PickRandom(Pieces) : f.Lorem.Word());
        }

        return builder.ToString();
    }

    /// <summary>A JSON value of every kind, nested a few levels, with escaped strings and numbers beyond long.</summary>
    public static JsonElement Element(Faker f, int depth = 0)
    {
        var json = new StringBuilder();
        Value(f, json, depth);
        return JsonDocument.Parse(json.ToString()).RootElement.Clone();
    }

    /// <summary>Mutations of <paramref name="line"/>: a byte removed, a token inserted, a span cut or doubled, a value replaced.</summary>
    public static IEnumerable<byte[]> Mutations(Faker f, string line, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var at = f.Random.Int(0, line.Length);
            var mutated = f.Random.Int(0, 5) switch
            {
                0 when line.Length > 0 => line.Remove(Math.Min(at, line.Length - 1), 1),
                1 => line.Insert(at, f.PickRandom(Insertions)),
                2 => line.Insert(line.IndexOf('{', StringComparison.Ordinal) + 1, f.PickRandom(Insertions)),
                3 => line[..at] + line[f.Random.Int(at, line.Length)..],
                4 => line[..at] + line[at..] + (f.Random.Bool() ? " " : string.Empty) + line[f.Random.Int(0, line.Length)..],
                _ => line.Replace(f.PickRandom("\"effect\"", "\"transition\"", "\"decision\"", "1,", "\"skip\"", "\"commit\"", "[", "\"NoSetup\""),
                    f.PickRandom("\"effect, decision\"", "\" effect\"", "\"1\"", "\"+2\"", "\"decision,\"", "-1,", "\"TRANSITION\"", "null,",
                        "\"nosetup\"", "\"NoSetup, NotOwner\"", "99", "\"99999999999\"", "[\"BuildFailed\",", "\"\\u0065ffect\""), StringComparison.Ordinal),
            };
            yield return Encoding.UTF8.GetBytes(mutated);
        }
    }

    private static string Quoted(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Value(Faker f, StringBuilder json, int depth)
    {
        switch (f.Random.Int(0, depth > 3 ? 3 : 5))
        {
            case 0:
                json.Append(Quoted(Text(f)));
                break;
            case 1:
                json.Append(f.PickRandom("0", "-0", "1.5", "1e400", "12345678901234567890123", long.MaxValue.ToString(CultureInfo.InvariantCulture), "-7", "3.0E-5"));
                break;
            case 2:
                json.Append(f.PickRandom("true", "false", "null", "\"\\u00e9\\/\\ud83d\\ude00\""));
                break;
            case 3:
                json.Append(f.PickRandom("{}", "[]"));
                break;
            case 4:
                json.Append('[');
                for (var i = f.Random.Int(1, 3); i > 0; i--)
                {
                    Value(f, json, depth + 1);
                    json.Append(i > 1 ? "," : string.Empty);
                }

                json.Append(']');
                break;
            default:
                json.Append('{');
                for (var i = f.Random.Int(1, 4); i > 0; i--)
                {
                    json.Append(Quoted(Text(f))).Append(':');
                    Value(f, json, depth + 1);
                    json.Append(i > 1 ? "," : string.Empty);
                }

                json.Append('}');
                break;
        }
    }
}
