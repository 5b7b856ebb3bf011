namespace Blacksmith.Infrastructure.Buildx;

/// <summary>One <c>docker buildx build</c> invocation, ready to run.</summary>
/// <param name="Arguments">buildx's arguments from <c>build</c> to the context, in upstream's order; never a secret value.</param>
/// <param name="Environment">Variables added to the inherited environment (<c>BUILDX_METADATA_WARNINGS=true</c>).</param>
/// <param name="TemporaryDirectory">The build's private directory: secret files, image id and metadata files.</param>
/// <param name="ImageIdFile">Where buildx writes the image id (<c>--iidfile</c>); null when not asked for.</param>
/// <param name="MetadataFile">Where buildx writes the metadata (<c>--metadata-file</c>); null when buildx is too old.</param>
/// <param name="SecretFiles">The files to write before the build, 0600.</param>
/// <param name="Notices">Inputs ignored or entries skipped, for the user to see as warnings.</param>
public sealed record BuildxBuildPlan(
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string TemporaryDirectory,
    string? ImageIdFile,
    string? MetadataFile,
    IReadOnlyList<BuildSecretFile> SecretFiles,
    IReadOnlyList<string> Notices);
