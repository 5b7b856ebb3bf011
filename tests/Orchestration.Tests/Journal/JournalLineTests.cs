using System.Buffers;
using System.Text;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// The journal line's hand-written JSON against the source-generated context it replaced, which stays the reference:
/// the same bytes for every record, and the same lines accepted (as the same record) and refused.
/// </summary>
public sealed class JournalLineTests
{
    private const int Seeds = 400;

    // Lines the serializer's corner cases were found with; each must be taken or refused as the serializer did.
    private static readonly string[] Corpus =
    [
        "", " ", "null", " null ", "[]", "1", "\"x\"", "{}", "{", "}", "true", "{\"v\":1}", "null null", "{}{}",
        Line("\"kind\":\"transition\""), Line("\"kind\":\"Transition\""), Line("\"kind\":\"TRANSITION\""), Line("\"kind\":\"Effect\""),
        Line("\"kind\":2"), Line("\"kind\":7"), Line("\"kind\":-1"), Line("\"kind\":\"1\""), Line("\"kind\":\" 1\""), Line("\"kind\":\"7\""),
        Line("\"kind\":\" effect\""), Line("\"kind\":\"effect \""), Line("\"kind\":\"effect, decision\""), Line("\"kind\":\"effect,decision\""),
        Line("\"kind\":\"\\u0065ffect\""), Line("\"kind\":\"\""), Line("\"kind\":1.0"), Line("\"kind\":1e0"), Line("\"kind\":null"),
        Line("\"kind\":true"), Line("\"kind\":\"-1\""), Line("\"kind\":\"+1\""), Line("\"kind\":\"01\""), Line("\"kind\":\"99999999999\""),
        Line("\"kind\":\"decisioN\""), Line("\"kind\":\"effect,\""), Line("\"kind\":\",effect\""), Line("\"kind\":\"effect,,decision\""),
        Line("\"kind\":\"effect , decision\""), Line("\"kind\":\"effect,transition\""), Line("\"kind\":\"effect,1\""), Line("\"kind\":\"1,2\""),
        Line("\"kind\":\"\\u00a0effect\\u2003\""), Line("\"kind\":\"\\u0661\""), Line("\"kind\":\"effect\\n\""), Line("\"kind\":\"1\\n\""),
        Line("\"kind\":\"1 2\""), Line("\"kind\":\"- 1\""), Line("\"kind\":\"++1\""), Line("\"kind\":\"2147483648\""), Line("\"kind\":\"-2147483649\""),
        Line("\"kind\":2147483648"), Line("\"kind\":-0"), Line("\"kind\":\"decision\",\"kind\":\"bad\""), Line("\"kind\":\"bad\",\"kind\":\"effect\""),
        Line("\"kind\":[]"), Line("\"kind\":{}"), Line("\"kind\":\"0x1\""), Line("\"kind\":\"1e0\""),
        "{\"v\":1.0,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":\"1\",\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":null,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":-0,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":2147483648,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":99999999999999999999,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":9223372036854775807,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":null,\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":1,\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\" 2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00Z\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00.1234567+02:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":[]}",
        "{\"v\":1,\"seq\":1,\"ts\":\"0001-01-01T00:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":1}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":null,\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":1,\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":null,\"payload\":{}}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":null}",
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\"}",
        "{\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        "{\"v\":1,\"v\":2,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        Line("\"kind\":\"effect\",\"payload\":[]"), Line("\"kind\":\"effect\",\"x\":1,\"x\":2"), Line("\"kind\":\"effect\",\"V\":5,\"Kind\":null"),
        Line("\"kind\":\"effect\",\"$id\":\"1\",\"$type\":\"x\",\"$ref\":1"), Line("\"kind\":\"effect\",\"session\":\"\\u00e9\\ud83d\\ude00<>&'\\\"\\\\\""),
        "{\"\\u0076\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"kind\":\"effect\",\"type\":\"t\",\"payload\":{}}",
        Line("\"kind\":\"effect\"") + " ", Line("\"kind\":\"effect\"") + " x", Line("\"kind\":\"effect\"") + "{}", Line("\"kind\":\"effect\"") + " //c",
        Line("\"kind\":\"effect\"") + "/*c*/", "{\"v\":1,/*c*/" + Line("\"kind\":\"effect\"")[7..], Line("\"kind\":\"effect\",").TrimEnd('}') + ",}",
        Line("\"kind\":\"effect\",\"payload\":" + new string('[', 70) + new string(']', 70)),
        Line("\"kind\":\"effect\",\"payload\":" + new string('[', 62) + new string(']', 62)),
        Line("\"kind\":\"effect\",\"payload\":\"\\ud800\""), Line("\"kind\":\"effect\",\"type\":\"\\ud800\""),
    ];

    [Fact]
    public void Every_record_is_written_byte_for_byte_as_the_serializer_wrote_it()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var record = Record(new Faker { Random = new Randomizer(seed) });

            var expected = Written(w => JsonSerializer.Serialize(w, record, JournalJsonContext.Default.JournalRecord));
            var actual = Written(w => JournalLine.Write(w, record));

            Assert.True(expected == actual, $"seed {seed}: the serializer wrote {expected}, the hand-written path {actual}");
        }
    }

    [Fact]
    public void A_corpus_of_odd_lines_is_taken_or_refused_as_the_serializer_did()
    {
        foreach (var line in Corpus)
        {
            AssertReadAlike(Encoding.UTF8.GetBytes(line), $"corpus line {line}");
        }
    }

    [Fact]
    public void Mutated_lines_are_taken_or_refused_as_the_serializer_did()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var line = Written(w => JournalLine.Write(w, Record(f)));
            foreach (var mutated in JsonVariety.Mutations(f, line, 10))
            {
                AssertReadAlike(mutated, $"seed {seed}: {Encoding.UTF8.GetString(mutated)}");
            }
        }
    }

    [Fact]
    public void Every_record_written_reads_back_as_itself()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var record = Record(new Faker { Random = new Randomizer(seed) });

            var read = JournalLine.Read(Encoding.UTF8.GetBytes(Written(w => JournalLine.Write(w, record))));

            // The payload is compared as JSON: writing it again escapes its strings the writer's way, as the serializer did.
            Assert.True(Describe(record with { Payload = default }) == Describe(read! with { Payload = default }), $"seed {seed}: {Describe(record)} read back as {Describe(read)}");
            Assert.True(JsonElement.DeepEquals(record.Payload, read.Payload), $"seed {seed}: payload {record.Payload} read back as {read.Payload}");
        }
    }

    private static void AssertReadAlike(byte[] line, string what)
    {
        var expected = ReadOutcome.Of(() => JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalRecord), Describe, Refusal);
        var actual = ReadOutcome.Of(() => JournalLine.Read(line), Describe, Refusal);
        Assert.True(expected.Accepted == actual.Accepted && expected.Value == actual.Value,
            $"{what}: the serializer {expected}, the hand-written reader {actual}");
    }

    // What JournalFile.ParseLine turns into a JournalFormatException; anything else would escape it.
    private static string? Refusal(Exception ex) =>
        ex is JsonException or InvalidOperationException or ArgumentException ? ex.GetType().Name : null;

    // Every field, the time with its offset and the payload as its text: a record read back must be the same record.
    private static string Describe(JournalRecord? record) => record is null
        ? "null"
        : $"v={record.V} seq={record.Seq} ts={record.Ts.UtcTicks}{record.Ts.Offset} session={record.Session} kind={(int)record.Kind} type={record.Type} payload={record.Payload.ValueKind}:{(record.Payload.ValueKind == JsonValueKind.Undefined ? string.Empty : record.Payload.GetRawText())}";

    private static string Line(string fields) =>
        "{\"v\":1,\"seq\":1,\"ts\":\"2026-12-05T10:00:00+00:00\",\"session\":\"s\",\"type\":\"t\",\"payload\":{}," + fields + "}";

    private static JournalRecord Record(Faker f) => new(
        f.Random.Bool(0.8f) ? 1 : f.Random.Int(),
        f.Random.Bool(0.8f) ? f.Random.Long(1, 100_000) : f.Random.Long(long.MinValue, long.MaxValue),
        new DateTimeOffset(f.Date.Between(new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(2), new DateTime(9999, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)).Ticks - f.Random.Long(0, 9_999_999), f.Random.Bool(0.7f) ? TimeSpan.Zero : TimeSpan.FromMinutes(f.Random.Int(-14 * 60, 14 * 60))),
        JsonVariety.Text(f) is { Length: > 0 } session ? session : "post-1",
        (JournalRecordKind)(f.Random.Bool(0.95f) ? f.Random.Int(0, 2) : f.Random.Int(3, 9)),
        JsonVariety.Text(f),
        JsonVariety.Element(f));

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                write(writer);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return $"(threw {ex.GetType().Name})";
        }
    }
}
