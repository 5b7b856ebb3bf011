using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>The codec writes and reads the events without facts without their type info; the list must be exactly those.</summary>
public sealed class FactlessEventTests
{
    [Fact]
    public void The_codec_skips_the_type_info_of_exactly_the_events_whose_JSON_has_no_properties()
    {
        var noProperties = Enum.GetValues<LifecycleTrigger>()
            .Where(t => !TypeInfoOf(t).Properties.Any(Carried))
            .Order()
            .ToList();
        var listed = Enum.GetValues<LifecycleTrigger>().Where(LifecycleEventCodec.CarriesNoFacts).Order().ToList();

        Assert.Equal(noProperties, listed);
    }

    [Fact]
    public void An_event_without_facts_reads_from_any_object_as_its_type_info_did()
    {
        string[] payloads =
        [
            "{\"from\":\"Idle\",\"to\":\"Done\"}", "{\"to\":\"Done\",\"from\":\"Idle\"}", "{\"from\":\"Idle\",\"to\":\"Done\",\"trigger\":\"PostRequested\"}",
            "{\"from\":\"Idle\",\"to\":\"Done\",\"$id\":\"1\",\"$type\":\"x\",\"x\":[1,{}]}", "{\"from\":\"Idle\",\"to\":\"Done\",\"to\":\"Draining\"}",
        ];
        foreach (var trigger in Enum.GetValues<LifecycleTrigger>().Where(LifecycleEventCodec.CarriesNoFacts))
        {
            foreach (var payload in payloads)
            {
                var element = JsonDocument.Parse(payload).RootElement;
                var expected = element.Deserialize(TypeInfoOf(trigger));
                var record = new JournalRecord(1, 1, SnapshotBuilder.Start, TestSessions.Owner, JournalRecordKind.Transition, trigger.ToString(), element);

                var (_, _, decoded) = LifecycleEventCodec.Decode(record);

                Assert.Equal(expected, decoded);
            }
        }
    }

    // A property the serializer writes or reads; an ignored one (Trigger) is listed with neither.
    private static bool Carried(JsonPropertyInfo property) => property.Get is not null || property.Set is not null || property.AssociatedParameter is not null;

    private static JsonTypeInfo TypeInfoOf(LifecycleTrigger trigger) =>
        JournalJsonContext.Default.GetTypeInfo(LifecycleEventFaker.Generate(trigger, new Faker { Random = new Randomizer(1) }).GetType())
            ?? throw new InvalidOperationException($"the context has no type info for {trigger}'s event");
}
