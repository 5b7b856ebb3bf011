using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Blacksmith.Doubles.Buildkitd;

[TomlSerializable(typeof(TomlTable))]
internal sealed partial class DoubleTomlContext : TomlSerializerContext;
