using System.Buffers;
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

    // The start of every payload, before the states' names.
    private static ReadOnlySpan<byte> FromProperty => "{\"from\":\""u8;

    private static ReadOnlySpan<byte> ToProperty => "\",\"to\":\""u8;

    public static JsonElement Encode(LifecycleState from, LifecycleState to, LifecycleEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        // The payload is the event's own object with the two states first: {"from":"A","to":"B", then its facts. The
        // event is serialized once, by the source generator's writer, and its opening brace replaced, instead of
        // serializing it to a document, copying its properties behind the states and parsing the result again. The
        // states' names are the enum's identifiers, which JSON never escapes.
        // An event without facts is written as {} without its type info, which is the costly part of a small event.
        var facts = new ArrayBufferWriter<byte>(256);
        if (!CarriesNoFacts(@event.Trigger))
        {
            using var writer = new Utf8JsonWriter(facts, JournalJsonEncoder.WriterOptions);
            JsonSerializer.Serialize(writer, @event, TypeInfo(@event.Trigger));
        }

        // The event's properties and closing brace, after a comma; or, for an event without facts ({}), the brace alone.
        var body = facts.WrittenSpan;
        var hasFacts = body.Length > 2;
        var tail = hasFacts ? body[1..] : "}"u8;
        var fromName = StateName(from);
        var toName = StateName(to);
        var payload = new byte[FromProperty.Length + fromName.Length + ToProperty.Length + toName.Length + 1 + (hasFacts ? 1 : 0) + tail.Length];
        var at = Append(payload, 0, FromProperty);
        at = Append(payload, at, fromName);
        at = Append(payload, at, ToProperty);
        at = Append(payload, at, toName);
        at = Append(payload, at, hasFacts ? "\","u8 : "\""u8);
        Append(payload, at, tail);

        var reader = new Utf8JsonReader(payload);
        return JsonElement.ParseValue(ref reader);
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
        if (!TryParseName(record.Type, out var trigger))
        {
            throw new JournalFormatException(record.Seq, $"unknown transition type '{record.Type}'");
        }

        try
        {
            var from = ReadState(record, "from");
            var to = ReadState(record, "to");
            // An event without facts reads from any object, its unknown properties ignored, as its type info read it; the
            // states' check has made sure the payload is one.
            var @event = NewFactless(trigger)?.Invoke()
                ?? (LifecycleEvent?)record.Payload.Deserialize(TypeInfo(trigger))
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
        && value.ValueKind == JsonValueKind.String
        && TryParseState(value.GetString(), out var state)
            ? state
            : throw new JournalFormatException(record.Seq, $"transition payload has no valid '{property}' state");

    // A state's exact name without Enum.TryParse's reflection, and anything else as Enum.TryParse has always taken it
    // (a number, a list of names, spaces around), so that the journals that loaded before still load.
    private static bool TryParseState(string? text, out LifecycleState state) =>
        LifecycleNames.TryParseExact(text, out state) || Enum.TryParse(text, ignoreCase: false, out state);

    // Only a trigger's exact name, as the table of names this replaced took: Enum.TryParse alone also takes numbers
    // ("3"), lists ("SetupStarted, Drained") and surrounding spaces, and each of those reads back as other text.
    private static bool TryParseName(string text, out LifecycleTrigger trigger) => LifecycleNames.TryParseExact(text, out trigger);

    private static int Append(byte[] payload, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(payload.AsSpan(at));
        return at + bytes.Length;
    }

    private static ReadOnlySpan<byte> StateName(LifecycleState state) => state switch
    {
        LifecycleState.Idle => "Idle"u8,
        LifecycleState.Mounting => "Mounting"u8,
        LifecycleState.Starting => "Starting"u8,
        LifecycleState.Ready => "Ready"u8,
        LifecycleState.Building => "Building"u8,
        LifecycleState.Failed => "Failed"u8,
        LifecycleState.Draining => "Draining"u8,
        LifecycleState.Committing => "Committing"u8,
        LifecycleState.Done => "Done"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a lifecycle state"),
    };

    /// <summary>
    /// The triggers whose events have no properties in JSON, which the codec writes and reads without building their
    /// type info. LifecycleEventCodecTests checks the list against the context's type infos.
    /// </summary>
    internal static bool CarriesNoFacts(LifecycleTrigger trigger) => NewFactless(trigger) is not null;

    // The one list of those events, each with how to make one: a new event for each record, as the serializer made
    // one, so that a record decodes to its own event.
    private static Func<LifecycleEvent>? NewFactless(LifecycleTrigger trigger) => trigger switch
    {
        LifecycleTrigger.PostRequested => static () => new PostRequested(),
        LifecycleTrigger.Drained => static () => new Drained(),
        _ => null,
    };

    // Each event type's metadata is built the first time a transition of that type is met, not all of them at the
    // first use of the codec: a post with nothing to clean up meets two of the 22, and building the rest was about 8 %
    // of its CPU.
    private static JsonTypeInfo TypeInfo(LifecycleTrigger trigger) => trigger switch
    {
        LifecycleTrigger.SetupStarted => JournalJsonContext.Default.SetupStarted,
        LifecycleTrigger.BuilderAttached => JournalJsonContext.Default.BuilderAttached,
        LifecycleTrigger.SessionAttached => JournalJsonContext.Default.SessionAttached,
        LifecycleTrigger.DiskExposed => JournalJsonContext.Default.DiskExposed,
        LifecycleTrigger.DiskMounted => JournalJsonContext.Default.DiskMounted,
        LifecycleTrigger.DaemonSpawned => JournalJsonContext.Default.DaemonSpawned,
        LifecycleTrigger.DaemonReady => JournalJsonContext.Default.DaemonReady,
        LifecycleTrigger.DaemonExited => JournalJsonContext.Default.DaemonExited,
        LifecycleTrigger.BuilderRegistered => JournalJsonContext.Default.BuilderRegistered,
        LifecycleTrigger.SetupFailed => JournalJsonContext.Default.SetupFailed,
        LifecycleTrigger.FallbackActivated => JournalJsonContext.Default.FallbackActivated,
        LifecycleTrigger.BuildStarted => JournalJsonContext.Default.BuildStarted,
        LifecycleTrigger.BuildFinished => JournalJsonContext.Default.BuildFinished,
        LifecycleTrigger.PostRequested => JournalJsonContext.Default.PostRequested,
        LifecycleTrigger.DaemonStopped => JournalJsonContext.Default.DaemonStopped,
        LifecycleTrigger.DiskUnmounted => JournalJsonContext.Default.DiskUnmounted,
        LifecycleTrigger.EarlierStepsChecked => JournalJsonContext.Default.EarlierStepsChecked,
        LifecycleTrigger.DiskReleased => JournalJsonContext.Default.DiskReleased,
        LifecycleTrigger.Drained => JournalJsonContext.Default.Drained,
        LifecycleTrigger.CommitRequested => JournalJsonContext.Default.CommitRequested,
        LifecycleTrigger.CommitFailed => JournalJsonContext.Default.CommitFailed,
        LifecycleTrigger.HoldingsFound => JournalJsonContext.Default.HoldingsFound,
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "no event type for this trigger"),
    };

    private sealed record DecodedTransition(LifecycleState From, LifecycleState To, LifecycleEvent Event);
}
