using Tomlyn;
using Tomlyn.Serialization;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>Source-generated TOML metadata for the fallback's config: no reflection (Native AOT, trimming).</summary>
[TomlSourceGenerationOptions(DefaultIgnoreCondition = TomlIgnoreCondition.WhenWritingNull)]
[TomlSerializable(typeof(FallbackBuildkitdConfig))]
internal sealed partial class BuildxTomlContext : TomlSerializerContext;
