using System.Text.Json;
using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Journal;

/// <summary>Source-generated System.Text.Json metadata for everything the journal writes (Native AOT safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    // A record or event missing a field it cannot do without is a format error, not a null to trip over later.
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = false)]
[JsonSerializable(typeof(JournalRecord))]
[JsonSerializable(typeof(EffectRecord))]
[JsonSerializable(typeof(CommitDecision))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(SetupStarted))]
[JsonSerializable(typeof(BuilderAttached))]
[JsonSerializable(typeof(SessionAttached))]
[JsonSerializable(typeof(DiskExposed))]
[JsonSerializable(typeof(DiskMounted))]
[JsonSerializable(typeof(DaemonSpawned))]
[JsonSerializable(typeof(DaemonReady))]
[JsonSerializable(typeof(DaemonExited))]
[JsonSerializable(typeof(BuilderRegistered))]
[JsonSerializable(typeof(SetupFailed))]
[JsonSerializable(typeof(FallbackActivated))]
[JsonSerializable(typeof(BuildStarted))]
[JsonSerializable(typeof(BuildFinished))]
[JsonSerializable(typeof(PostRequested))]
[JsonSerializable(typeof(DaemonStopped))]
[JsonSerializable(typeof(DiskUnmounted))]
[JsonSerializable(typeof(EarlierStepsChecked))]
[JsonSerializable(typeof(DiskReleased))]
[JsonSerializable(typeof(Drained))]
[JsonSerializable(typeof(CommitRequested))]
[JsonSerializable(typeof(CommitFailed))]
[JsonSerializable(typeof(HoldingsFound))]
internal partial class JournalJsonContext : JsonSerializerContext;
