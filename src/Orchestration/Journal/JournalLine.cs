using System.Text.Json;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// One journal line's envelope (<see cref="JournalRecord"/>) written and read by hand. The bytes and what is accepted
/// are exactly those of <see cref="JournalJsonContext"/>'s <c>JournalRecord</c>, which this replaced on every path:
/// building that type info (and through it the reflection Native AOT does to read a type's attributes) was most of the
/// JSON a post with nothing to clean up paid for, for a format that never changes shape.
/// </summary>
internal static class JournalLine
{
    // Indexed by the enum's value, as the converter writes them.
    private static readonly string[] KindNames = ["transition", "effect", "decision"];

    /// <summary>Writes <paramref name="record"/> as the serializer did: fields in declaration order, the payload as it is.</summary>
    public static void Write(Utf8JsonWriter writer, JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        writer.WriteNumber("v"u8, record.V);
        writer.WriteNumber("seq"u8, record.Seq);
        writer.WriteString("ts"u8, record.Ts);
        // The context leaves out what is null; a record the journal writes never has a null string.
        if (record.Session is not null)
        {
            writer.WriteString("session"u8, record.Session);
        }

        writer.WritePropertyName("kind"u8);
        JournalEnumText.Write(writer, (int)record.Kind, KindNames);

        if (record.Type is not null)
        {
            writer.WriteString("type"u8, record.Type);
        }

        writer.WritePropertyName("payload"u8);
        record.Payload.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads one line (without its newline); null for a line that is JSON <c>null</c>, as the serializer returned.
    /// Takes what the serializer took: fields matched by exact name (escaped or not), the last of a repeated field
    /// winning, unknown fields skipped, whitespace around the value; <c>kind</c> as the string enum converter reads it.
    /// </summary>
    /// <exception cref="JsonException">The line is not a record: bad JSON, a missing or null field, a value of the wrong type.</exception>
    public static JournalRecord? Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read())
        {
            throw new JsonException("the line holds no JSON value");
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            EndOfLine(ref reader);
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"the line is a JSON {reader.TokenType}, not an object");
        }

        int? v = null;
        long? seq = null;
        DateTimeOffset? ts = null;
        string? session = null, type = null;
        JournalRecordKind? kind = null;
        JsonElement? payload = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                v = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Invalid("v", "an int");
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : throw Invalid("seq", "a long");
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                ts = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) ? value : throw Invalid("ts", "an ISO 8601 time");
            }
            else if (reader.ValueTextEquals("session"u8))
            {
                reader.Read();
                session = String(ref reader, "session");
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                kind = JournalEnumText.TryRead(ref reader, KindNames, ignoreCase: false, out var value)
                    ? (JournalRecordKind)value
                    : throw Invalid("kind", "transition, effect or decision");
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = String(ref reader, "type");
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                payload = JsonElement.ParseValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        EndOfLine(ref reader);
        if (v is null || seq is null || ts is null || session is null || kind is null || type is null || payload is null)
        {
            var missing = new List<string>(7);
            AddIf(missing, v is null, "v");
            AddIf(missing, seq is null, "seq");
            AddIf(missing, ts is null, "ts");
            AddIf(missing, session is null, "session");
            AddIf(missing, kind is null, "kind");
            AddIf(missing, type is null, "type");
            AddIf(missing, payload is null, "payload");
            throw new JsonException($"the record is missing required properties: {string.Join(", ", missing)}");
        }

        return new JournalRecord(v.Value, seq.Value, ts.Value, session, kind.Value, type, payload.Value);
    }

    // A non-nullable string: null is refused, as RespectNullableAnnotations refused it.
    private static string String(ref Utf8JsonReader reader, string property) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid(property, "a string");

    // After the value only whitespace may follow: the reader itself refuses anything else, comments included.
    private static void EndOfLine(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException($"'{reader.TokenType}' follows the record on the same line");
        }
    }

    private static void AddIf(List<string> names, bool condition, string name)
    {
        if (condition)
        {
            names.Add(name);
        }
    }

    private static JsonException Invalid(string property, string expected) => new($"'{property}' is not {expected}");
}
