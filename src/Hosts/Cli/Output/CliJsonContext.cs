using System.Text.Json.Serialization;
using Blacksmith.Replay;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Status;

namespace Blacksmith.Cli.Output;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(LocalStoreListing))]
[JsonSerializable(typeof(ReplayReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
