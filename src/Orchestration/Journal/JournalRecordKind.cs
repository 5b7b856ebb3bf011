using System.Text.Json.Serialization;

namespace Blacksmith.Orchestration.Journal;

/// <summary>What a journal line records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JournalRecordKind>))]
public enum JournalRecordKind
{
    /// <summary>The lifecycle fired a trigger: the payload holds from, to and the event's facts.</summary>
    [JsonStringEnumMemberName("transition")]
    Transition,

    /// <summary>A step performed one attempt of an external action through a port: arguments, outcome, duration.</summary>
    [JsonStringEnumMemberName("effect")]
    Effect,

    /// <summary>The commit policy decided: commit, or skip with its reason.</summary>
    [JsonStringEnumMemberName("decision")]
    Decision,
}
