using System.Reflection;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

public sealed class LifecycleEventCodecTests
{
    private const int SeedsPerTrigger = 50;

    public static TheoryData<LifecycleTrigger> EveryTrigger() => [.. Enum.GetValues<LifecycleTrigger>()];

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void Every_event_round_trips_through_the_codec_with_varied_facts(LifecycleTrigger trigger)
    {
        for (var seed = 0; seed < SeedsPerTrigger; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var @event = LifecycleEventFaker.Generate(trigger, f);
            var from = f.PickRandom<LifecycleState>();
            var to = f.PickRandom<LifecycleState>();

            var record = Record(trigger.ToString(), LifecycleEventCodec.Encode(from, to, @event));
            var (decodedFrom, decodedTo, decoded) = LifecycleEventCodec.Decode(record);

            Assert.True(@event.Equals(decoded), $"seed {seed}: {@event} came back as {decoded}");
            Assert.True((from, to) == (decodedFrom, decodedTo), $"seed {seed}: {from} -> {to} came back as {decodedFrom} -> {decodedTo}");
        }
    }

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void A_record_is_parsed_once_and_decodes_to_the_same_event_every_time(LifecycleTrigger trigger)
    {
        var f = new Faker { Random = new Randomizer((int)trigger) };
        var record = Record(trigger.ToString(), LifecycleEventCodec.Encode(LifecycleState.Ready, LifecycleState.Building, LifecycleEventFaker.Generate(trigger, f)));

        var first = LifecycleEventCodec.Decode(record);
        var again = LifecycleEventCodec.Decode(record);
        var copy = LifecycleEventCodec.Decode(record with { });

        Assert.Same(first.Event, again.Event);
        Assert.Equal((first.From, first.To), (again.From, again.To));
        // An equal record read again (another read of the journal) is parsed on its own, to an equal event.
        Assert.NotSame(first.Event, copy.Event);
        Assert.Equal(first.Event, copy.Event);
    }

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void A_payload_holds_the_states_and_the_events_facts_and_nothing_else(LifecycleTrigger trigger)
    {
        for (var seed = 0; seed < SeedsPerTrigger; seed++)
        {
            var @event = LifecycleEventFaker.Generate(trigger, new Faker { Random = new Randomizer(seed) });

            var payload = LifecycleEventCodec.Encode(LifecycleState.Ready, LifecycleState.Building, @event);

            var expected = Facts(@event).Append("from").Append("to").Order(StringComparer.Ordinal);
            var actual = payload.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
            Assert.True(expected.SequenceEqual(actual), $"seed {seed}: expected [{string.Join(", ", expected)}], payload {payload}");
        }
    }

    [Fact]
    public void Every_trigger_has_exactly_one_event_type_named_after_it_that_the_codec_encodes()
    {
        var eventTypes = typeof(LifecycleEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LifecycleEvent)) && !t.IsAbstract)
            .ToList();

        foreach (var trigger in Enum.GetValues<LifecycleTrigger>())
        {
            var type = Assert.Single(eventTypes, t => t.Name == trigger.ToString());
            var @event = TestEvents.For(trigger);
            Assert.IsType(type, @event);
            Assert.Equal(trigger, @event.Trigger);

            var (_, _, decoded) = LifecycleEventCodec.Decode(Record(trigger.ToString(), LifecycleEventCodec.Encode(LifecycleState.Idle, LifecycleState.Idle, @event)));
            Assert.IsType(type, decoded);
        }

        Assert.Equal(Enum.GetValues<LifecycleTrigger>().Length, eventTypes.Count);
    }

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void Every_event_is_encoded_byte_for_byte_as_the_journal_has_always_held_it(LifecycleTrigger trigger)
    {
        for (var seed = 0; seed < SeedsPerTrigger; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var @event = LifecycleEventFaker.Generate(trigger, f);
            var from = f.PickRandom<LifecycleState>();
            var to = f.PickRandom<LifecycleState>();

            var payload = LifecycleEventCodec.Encode(from, to, @event).GetRawText();

            Assert.Equal(AsFirstWritten(from, to, @event), payload);
        }
    }

    [Fact]
    public void A_recorded_journals_transitions_encode_again_to_the_same_bytes()
    {
        var path = Path.Combine(Checkout.Root, "tests", "scenarios", "torn-journal-tail-is-left-out-and-the-post-replays-as-killed-after-settle.jsonl");
        var transitions = File.ReadLines(path)
            .Select(TryRead)
            .OfType<JournalRecord>()
            .Where(r => r.Kind == JournalRecordKind.Transition)
            .ToList();

        Assert.NotEmpty(transitions);
        foreach (var record in transitions)
        {
            var (from, to, @event) = LifecycleEventCodec.Decode(record);
            Assert.Equal(record.Payload.GetRawText(), LifecycleEventCodec.Encode(from, to, @event).GetRawText());
        }
    }

    [Fact]
    public void A_DaemonSpawned_payload_from_before_the_log_and_root_were_recorded_still_loads()
    {
        var payload = Parse("""{"from":"Starting","to":"Starting","daemon":{"pid":4312,"startTimeTicks":883104,"address":"tcp://127.0.0.1:1234"}}""");

        var (_, _, decoded) = LifecycleEventCodec.Decode(Record("DaemonSpawned", payload));

        Assert.Equal(new DaemonSpawned(new DaemonIdentity(4312, 883104, "tcp://127.0.0.1:1234")), decoded);
    }

    [Fact]
    public void A_SetupStarted_payload_from_before_the_root_and_address_were_recorded_still_loads()
    {
        var payload = Parse("""{"from":"Idle","to":"Mounting","setup":{"cacheKey":"shop","store":"local","commitMode":"Auto","forkPullRequest":false,"releaseOnSkip":true}}""");

        var (_, _, decoded) = LifecycleEventCodec.Decode(Record("SetupStarted", payload));

        var setup = Assert.IsType<SetupStarted>(decoded).Setup;
        Assert.Equal(("shop", null, null), (setup.CacheKey, setup.Root, setup.Address));
    }

    [Fact]
    public void A_SetupStarted_payload_names_the_root_and_address_setup_was_given()
    {
        var @event = new SetupStarted(new SetupFacts("shop", "local", Root: "/var/lib/blacksmith/roots/%2Ftmp%2Fjob", Address: "unix:///tmp/job/buildkitd.sock"));

        var setup = LifecycleEventCodec.Encode(LifecycleState.Idle, LifecycleState.Mounting, @event).GetProperty("setup");

        Assert.Equal("/var/lib/blacksmith/roots/%2Ftmp%2Fjob", setup.GetProperty("root").GetString());
        Assert.Equal("unix:///tmp/job/buildkitd.sock", setup.GetProperty("address").GetString());
    }

    [Fact]
    public void A_DaemonSpawned_payload_names_the_log_and_root()
    {
        var @event = new DaemonSpawned(new DaemonIdentity(4312, 883104, "tcp://127.0.0.1:1234", "/home/runner/work/_temp/blacksmith/buildkitd.log", "/var/lib/buildkit"));

        var daemon = LifecycleEventCodec.Encode(LifecycleState.Starting, LifecycleState.Starting, @event).GetProperty("daemon");

        Assert.Equal("/home/runner/work/_temp/blacksmith/buildkitd.log", daemon.GetProperty("logPath").GetString());
        Assert.Equal("/var/lib/buildkit", daemon.GetProperty("root").GetString());
    }

    [Fact]
    public void Decode_rejects_an_unknown_transition_type_naming_the_record()
    {
        var payload = LifecycleEventCodec.Encode(LifecycleState.Idle, LifecycleState.Done, new PostRequested());

        var ex = Assert.Throws<JournalFormatException>(() => LifecycleEventCodec.Decode(Record("PostRequestd", payload, seq: 7)));

        Assert.Equal(7, ex.Sequence);
        Assert.Contains("PostRequestd", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("postrequested")]
    [InlineData(" PostRequested")]
    [InlineData("PostRequested, Drained")]
    public void Decode_takes_only_a_triggers_exact_name_as_the_transition_type(string type)
    {
        var payload = LifecycleEventCodec.Encode(LifecycleState.Idle, LifecycleState.Done, new PostRequested());

        var ex = Assert.Throws<JournalFormatException>(() => LifecycleEventCodec.Decode(Record(type, payload, seq: 5)));

        Assert.Equal(5, ex.Sequence);
    }

    [Theory]
    [InlineData("""{"from":3,"to":"Done"}""")]
    [InlineData("""{"from":"Idle","to":null}""")]
    public void Decode_rejects_a_state_that_is_not_a_string_as_a_format_error(string json)
    {
        var ex = Assert.Throws<JournalFormatException>(() => LifecycleEventCodec.Decode(Record("PostRequested", Parse(json), seq: 6)));

        Assert.Equal(6, ex.Sequence);
    }

    [Theory]
    [InlineData("Idle")]
    [InlineData("0")]
    [InlineData(" Idle ")]
    [InlineData("Idle, Idle")]
    public void Decode_reads_a_state_as_it_always_has_an_exact_name_first(string from)
    {
        // States were read by Enum.TryParse, which also takes a number, a list and spaces around: a journal that loaded
        // before still loads, whatever reads its names now.
        Assert.True(Enum.TryParse(from, ignoreCase: false, out LifecycleState expected));
        var payload = Parse($$"""{"from":"{{from}}","to":"Done"}""");

        var (decoded, _, _) = LifecycleEventCodec.Decode(Record("PostRequested", payload));

        Assert.Equal(expected, decoded);
    }

    [Theory]
    [InlineData("""{"to":"Done"}""")]
    [InlineData("""{"from":"Nowhere","to":"Done"}""")]
    [InlineData("""["Idle","Done"]""")]
    public void Decode_rejects_a_payload_without_valid_states(string json)
    {
        var ex = Assert.Throws<JournalFormatException>(() => LifecycleEventCodec.Decode(Record("PostRequested", Parse(json), seq: 3)));

        Assert.Equal(3, ex.Sequence);
    }

    [Fact]
    public void Decode_rejects_facts_that_do_not_match_the_events_schema()
    {
        var payload = Parse("""{"from":"Starting","to":"Starting","waitedMilliseconds":"a while"}""");

        var ex = Assert.Throws<JournalFormatException>(() => LifecycleEventCodec.Decode(Record("DaemonReady", payload, seq: 4)));

        Assert.Equal(4, ex.Sequence);
        Assert.Contains("DaemonReady", ex.Message, StringComparison.Ordinal);
    }

    // How the journal's first writer composed a payload, kept as the reference the encoder must match byte for byte:
    // the states, then each property of the event serialized on its own, in its order.
    private static string AsFirstWritten(LifecycleState from, LifecycleState to, LifecycleEvent @event)
    {
        var facts = JsonSerializer.SerializeToElement(@event, JournalJsonContext.Default.GetTypeInfo(@event.GetType())!);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
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

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // A torn last line is not a record.
    private static JournalRecord? TryRead(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The names the journal must hold for the event: its public facts in camelCase, null ones left out.
    private static IEnumerable<string> Facts(LifecycleEvent @event) =>
        @event.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != nameof(LifecycleEvent.Trigger) && p.GetValue(@event) is not null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JournalRecord Record(string type, JsonElement payload, long seq = 1) =>
        new(JournalRecord.CurrentVersion, seq, SnapshotBuilder.Start, TestSessions.Owner, JournalRecordKind.Transition, type, payload);
}
