using System.Buffers;
using System.Text.Json;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// A decision record's payload written and read by hand, with the bytes and the acceptance of
/// <see cref="JournalJsonContext"/>'s polymorphic <c>CommitDecision</c>, which this replaced: its type info, built from
/// the type's attributes by reflection, was the costliest piece of JSON a post with nothing to clean up built.
/// </summary>
internal static class CommitDecisionJson
{
    // SkipReason's names, indexed by value, as the string enum converter writes them (CommitDecisionJsonTests keeps them the enum's).
    internal static readonly string[] ReasonNames =
    [
        nameof(SkipReason.NoSetup), nameof(SkipReason.NotOwner), nameof(SkipReason.SetupFailed), nameof(SkipReason.FallbackBuilder),
        nameof(SkipReason.ForeignBuilder), nameof(SkipReason.NoStickyDisk), nameof(SkipReason.CommitDisabled),
        nameof(SkipReason.ForkPullRequest), nameof(SkipReason.BuildFailed), nameof(SkipReason.BuildCancelled),
        nameof(SkipReason.BuildAbandoned), nameof(SkipReason.EarlierStepFailed), nameof(SkipReason.EarlierStepsUnknown),
        nameof(SkipReason.DaemonKilled), nameof(SkipReason.DaemonNotStopped), nameof(SkipReason.UnmountFailed),
        nameof(SkipReason.PostInterrupted),
    ];

    /// <summary>
    /// The payload: the discriminator first, then the concrete decision's facts in camelCase, a null one left out:
    /// <c>{"decision":"commit","fsUsageBytes":…}</c> or <c>{"decision":"skip","reason":…,"detail":…,"also":[…]}</c>.
    /// </summary>
    public static JsonElement Encode(CommitDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, JournalJsonEncoder.WriterOptions))
        {
            writer.WriteStartObject();
            switch (decision)
            {
                case CommitDecision.Commit commit:
                    writer.WriteString("decision"u8, "commit"u8);
                    if (commit.FsUsageBytes is { } bytes)
                    {
                        writer.WriteNumber("fsUsageBytes"u8, bytes);
                    }

                    break;
                case CommitDecision.Skip skip:
                    writer.WriteString("decision"u8, "skip"u8);
                    writer.WritePropertyName("reason"u8);
                    WriteReason(writer, skip.Reason);
                    if (skip.Detail is not null)
                    {
                        writer.WriteString("detail"u8, skip.Detail);
                    }

                    if (skip.Also is not null)
                    {
                        writer.WriteStartArray("also"u8);
                        foreach (var reason in skip.Also)
                        {
                            WriteReason(writer, reason);
                        }

                        writer.WriteEndArray();
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(decision), decision, "not a commit decision");
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// Reads a payload back; null for JSON <c>null</c>, as the serializer returned. Takes what the serializer took: the
    /// discriminator as the first property and a known string, no other property starting with <c>$</c> after it
    /// (metadata to the serializer), the concrete decision's properties by exact name, the last of a repeated one winning,
    /// unknown ones skipped, reasons as the string enum converter reads them.
    /// </summary>
    /// <exception cref="JsonException">The payload is not a decision. (The serializer threw NotSupportedException for an
    /// object whose first property is not the discriminator; it is a bad payload like any other here.)</exception>
    public static CommitDecision? Decode(JsonElement payload)
    {
        if (payload.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"the decision is a JSON {payload.ValueKind}, not an object");
        }

        using var properties = payload.EnumerateObject();
        if (!properties.MoveNext() || !properties.Current.NameEquals("decision"u8))
        {
            throw new JsonException("the decision does not start with its 'decision' discriminator");
        }

        var discriminator = properties.Current.Value;
        if (discriminator.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"the 'decision' discriminator is a JSON {discriminator.ValueKind}, not a string");
        }

        try
        {
            if (discriminator.ValueEquals("commit"u8))
            {
                return ReadCommit(properties);
            }

            return discriminator.ValueEquals("skip"u8)
                ? ReadSkip(properties)
                : throw new JsonException($"unknown decision '{discriminator.GetString()}'");
        }
        catch (InvalidOperationException ex)
        {
            // A string that is not text (half a surrogate pair escaped) is a bad payload like any other.
            throw new JsonException($"the decision holds a string that cannot be read: {ex.Message}", ex);
        }
    }

    private static CommitDecision.Commit ReadCommit(JsonElement.ObjectEnumerator properties)
    {
        long? fsUsageBytes = null;
        while (properties.MoveNext())
        {
            var property = properties.Current;
            RefuseMetadata(property);
            if (property.NameEquals("fsUsageBytes"u8))
            {
                fsUsageBytes = property.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.Number when property.Value.TryGetInt64(out var bytes) => bytes,
                    _ => throw new JsonException("'fsUsageBytes' is not a long or null"),
                };
            }
        }

        return new CommitDecision.Commit(fsUsageBytes);
    }

    private static CommitDecision.Skip ReadSkip(JsonElement.ObjectEnumerator properties)
    {
        SkipReason? reason = null;
        string? detail = null;
        List<SkipReason>? also = null;
        while (properties.MoveNext())
        {
            var property = properties.Current;
            RefuseMetadata(property);
            if (property.NameEquals("reason"u8))
            {
                reason = Reason(property.Value, "reason");
            }
            else if (property.NameEquals("detail"u8))
            {
                detail = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw new JsonException("'detail' is not a string");
            }
            else if (property.NameEquals("also"u8))
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException("'also' is not an array");
                }

                also = new List<SkipReason>(property.Value.GetArrayLength());
                foreach (var item in property.Value.EnumerateArray())
                {
                    also.Add(Reason(item, "also"));
                }
            }
        }

        if (reason is null || detail is null || also is null)
        {
            var missing = string.Join(", ", new[] { reason is null ? "reason" : null, detail is null ? "detail" : null, also is null ? "also" : null }.OfType<string>());
            throw new JsonException($"the skip is missing required properties: {missing}");
        }

        return new CommitDecision.Skip(reason.Value, detail, also);
    }

    // After the discriminator the serializer takes any name starting with '$' for metadata it does not support here.
    private static void RefuseMetadata(JsonProperty property)
    {
        if (property.Name is ['$', ..])
        {
            throw new JsonException($"the decision has a property '{property.Name}' after its discriminator, which reads as metadata");
        }

        if (property.NameEquals("decision"u8))
        {
            throw new JsonException("the decision has its 'decision' discriminator twice");
        }
    }

    private static SkipReason Reason(JsonElement value, string property)
    {
        var read = value.ValueKind switch
        {
            JsonValueKind.String => JournalEnumText.TryParse(value.GetString()!, ReasonNames, ignoreCase: true, out var parsed) ? parsed : (int?)null,
            JsonValueKind.Number => value.TryGetInt32(out var number) ? number : null,
            _ => null,
        };
        return read is { } reason ? (SkipReason)reason : throw new JsonException($"'{property}' holds a value that is not a SkipReason");
    }

    private static void WriteReason(Utf8JsonWriter writer, SkipReason reason) => JournalEnumText.Write(writer, (int)reason, ReasonNames);
}
