using System.Text.Json.Serialization;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Orchestration.Recording;

/// <summary>
/// Source-generated JSON for the values ports return, as effect records keep them (and a replay reads them back).
/// Same conventions as the journal.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(RegisteredBuilder))]
[JsonSerializable(typeof(BuilderFacts))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(ExposedDisk))]
[JsonSerializable(typeof(IReadOnlyList<ExposedDisk>))]
[JsonSerializable(typeof(DaemonIdentity))]
[JsonSerializable(typeof(DaemonProbe))]
[JsonSerializable(typeof(SignalDelivery))]
[JsonSerializable(typeof(SettleOutcome))]
[JsonSerializable(typeof(ForeignDaemon))]
[JsonSerializable(typeof(FilesystemUsage))]
[JsonSerializable(typeof(EarlierStepsReport))]
[JsonSerializable(typeof(BuildReport))]
internal partial class EffectJsonContext : JsonSerializerContext;
