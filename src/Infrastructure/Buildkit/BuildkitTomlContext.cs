using Tomlyn;
using Tomlyn.Serialization;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>Source-generated TOML metadata: no reflection, so Native AOT and trimming keep working.</summary>
[TomlSourceGenerationOptions(DefaultIgnoreCondition = TomlIgnoreCondition.WhenWritingNull)]
[TomlSerializable(typeof(BuildkitdConfig))]
internal sealed partial class BuildkitTomlContext : TomlSerializerContext;
