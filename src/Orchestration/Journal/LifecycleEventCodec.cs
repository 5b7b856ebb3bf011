using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Journal;

/// <summary>
/// Turns a transition into a journal payload and back. The payload is the event's facts plus <c>from</c> and
/// <c>to</c>; the record's <c>type</c> is the trigger, which names the event type.
/// </summary>
internal static class LifecycleEventCodec
{
    private static readonly ConditionalWeakTable<JournalRecord, DecodedTransition> Decoded = new();

    private static readonly FrozenDictionary<LifecycleTrigger, JsonTypeInfo> TypeInfos = new Dictionary<LifecycleTrigger, JsonTypeInfo>
    {
        [LifecycleTrigger.SetupStarted] = JournalJsonContext.Default.SetupStarted,
        [LifecycleTrigger.BuilderAttached] = JournalJsonContext.Default.BuilderAttached,
        [LifecycleTrigger.SessionAttached] = JournalJsonContext.Default.SessionAttached,
        [LifecycleTrigger.DiskExposed] = JournalJsonContext.Default.DiskExposed,
        [LifecycleTrigger.DiskMounted] = JournalJsonContext.Default.DiskMounted,
        [LifecycleTrigger.DaemonSpawned] = JournalJsonContext.Default.DaemonSpawned,
        [LifecycleTrigger.DaemonReady] = JournalJsonContext.Default.DaemonReady,
        [LifecycleTrigger.DaemonExited] = JournalJsonContext.Default.DaemonExited,
        [LifecycleTrigger.BuilderRegistered] = JournalJsonContext.Default.BuilderRegistered,
        [LifecycleTrigger.SetupFailed] = JournalJsonContext.Default.SetupFailed,
        [LifecycleTrigger.FallbackActivated] = JournalJsonContext.Default.FallbackActivated,
        [LifecycleTrigger.BuildStarted] = JournalJsonContext.Default.BuildStarted,
        [LifecycleTrigger.BuildFinished] = JournalJsonContext.Default.BuildFinished,
        [LifecycleTrigger.PostRequested] = JournalJsonContext.Default.PostRequested,
        [LifecycleTrigger.DaemonStopped] = JournalJsonContext.Default.DaemonStopped,
        [LifecycleTrigger.DiskUnmounted] = JournalJsonContext.Default.DiskUnmounted,
        [LifecycleTrigger.EarlierStepsChecked] = JournalJsonContext.Default.EarlierStepsChecked,
        [LifecycleTrigger.DiskReleased] = JournalJsonContext.Default.DiskReleased,
        [LifecycleTrigger.Drained] = JournalJsonContext.Default.Drained,
        [LifecycleTrigger.CommitRequested] = JournalJsonContext.Default.CommitRequested,
        [LifecycleTrigger.CommitFailed] = JournalJsonContext.Default.CommitFailed,
        [LifecycleTrigger.HoldingsFound] = JournalJsonContext.Default.HoldingsFound,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, LifecycleTrigger> TriggersByName =
        Enum.GetValues<LifecycleTrigger>().ToFrozenDictionary(t => t.ToString(), StringComparer.Ordinal);

    public static JsonElement Encode(LifecycleState from, LifecycleState to, LifecycleEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var facts = JsonSerializer.SerializeToElement(@event, TypeInfos[@event.Trigger]);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("from", from.ToString());
            writer.WriteString("to", to.ToString());
            foreach (var property in facts.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Reads a transition back; throws <see cref="JournalFormatException"/> when the record cannot be one. A record is
    /// parsed once: later calls with the same record return what the first one read.
    /// </summary>
    public static (LifecycleState From, LifecycleState To, LifecycleEvent Event) Decode(JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // One process folds the same records again and again (each command loads the journal, each fire folds what it
        // saw and what it appended, a replay does so for every step), and parsing the payload was most of a fold. A
        // record is immutable, so what it decodes to never changes; the table lets go of it with the record.
        if (Decoded.TryGetValue(record, out var known))
        {
            return (known.From, known.To, known.Event);
        }

        var decoded = DecodeCore(record);
        Decoded.AddOrUpdate(record, new DecodedTransition(decoded.From, decoded.To, decoded.Event));
        return decoded;
    }

    private static (LifecycleState From, LifecycleState To, LifecycleEvent Event) DecodeCore(JournalRecord record)
    {
        if (!TriggersByName.TryGetValue(record.Type, out var trigger))
        {
            throw new JournalFormatException(record.Seq, $"unknown transition type '{record.Type}'");
        }

        try
        {
            var from = ReadState(record, "from");
            var to = ReadState(record, "to");
            var @event = (LifecycleEvent?)record.Payload.Deserialize(TypeInfos[trigger])
                ?? throw new JournalFormatException(record.Seq, "empty transition payload");
            return (from, to, @event);
        }
        catch (JsonException ex)
        {
            throw new JournalFormatException(record.Seq, $"{record.Type} payload does not match its schema: {ex.Message}", ex);
        }
    }

    private static LifecycleState ReadState(JournalRecord record, string property) =>
        record.Payload.ValueKind == JsonValueKind.Object
        && record.Payload.TryGetProperty(property, out var value)
        && Enum.TryParse<LifecycleState>(value.GetString(), ignoreCase: false, out var state)
            ? state
            : throw new JournalFormatException(record.Seq, $"transition payload has no valid '{property}' state");

    private sealed record DecodedTransition(LifecycleState From, LifecycleState To, LifecycleEvent Event);
}
