using System.Text.Json;
using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// Reads a registration as the name alone (a JSON string: every journal and scenario before the facts) or as
/// <c>{"name": …, "facts": {…}}</c>, and writes the object. Hand-written, as the source generator cannot express
/// "either form", and reflection-free for Native AOT.
/// </summary>
internal sealed class RegisteredBuilderJsonConverter : JsonConverter<RegisteredBuilder>
{
    public override RegisteredBuilder Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new RegisteredBuilder(reader.GetString()!);
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("a registered builder is its name, or an object with a 'name'");
        }

        var facts = root.TryGetProperty("facts", out var value) && value.ValueKind == JsonValueKind.Object
            ? value.Deserialize(EffectJsonContext.Default.BuilderFacts)
            : null;
        return new RegisteredBuilder(name.GetString()!, facts);
    }

    public override void Write(Utf8JsonWriter writer, RegisteredBuilder value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        if (value.Facts is { } facts)
        {
            writer.WritePropertyName("facts");
            JsonSerializer.Serialize(writer, facts, EffectJsonContext.Default.BuilderFacts);
        }

        writer.WriteEndObject();
    }
}
