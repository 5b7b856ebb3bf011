using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.Ci.Generic;

/// <summary>The generic runtime's state and output files: flat string maps, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class CiJsonContext : JsonSerializerContext;
