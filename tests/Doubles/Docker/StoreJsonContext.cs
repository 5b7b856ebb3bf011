using System.Text.Json.Serialization;

namespace Blacksmith.Doubles.Docker;

[JsonSerializable(typeof(NodeGroup))]
[JsonSerializable(typeof(CurrentBuilder))]
[JsonSerializable(typeof(LocalState))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
