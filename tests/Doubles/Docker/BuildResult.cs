using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// What a successful build reports: BuildKit's exporter response as buildx decodes it into the metadata file (keys
/// sorted, as Go marshals a map), and the image ID for the iidfile. Digests are hashes of the request, so the same
/// build gives the same digests, as a fully cached build does.
/// </summary>
internal sealed class BuildResult
{
    public const string WarningText = "ConsistentInstructionCasing: Command 'frOM' should be consistently cased (line 1)";

    private static readonly string[] ImageExporters = ["image", "registry", "docker", "oci"];

    private readonly BuildRequest _request;
    private readonly Dockerfile _dockerfile;
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;

    private BuildResult(BuildRequest request, Dockerfile dockerfile, string reference, bool exportsImage, IReadOnlyList<string> imageNames)
    {
        _request = request;
        _dockerfile = dockerfile;
        ReferenceId = reference[(reference.LastIndexOf('/') + 1)..];
        Reference = reference;
        ExportsImage = exportsImage;
        ImageNames = imageNames;
        var inputs = string.Join('\n', [request.Context, .. dockerfile.Instructions, .. request.BuildArgs, .. request.Platforms, request.Target ?? string.Empty]);
        ConfigDigest = Digest("config\n" + inputs);
        ManifestDigest = Digest((IsMultiPlatform ? "index\n" : "manifest\n") + inputs + string.Join('\n', imageNames));
    }

    /// <summary><c>&lt;builder&gt;/&lt;node&gt;/&lt;ref&gt;</c>.</summary>
    public string Reference { get; }

    public string ReferenceId { get; }

    /// <summary>Whether an image exporter ran (push, load, an image/registry/docker/oci output, or the docker driver's default load).</summary>
    public bool ExportsImage { get; }

    public IReadOnlyList<string> ImageNames { get; }

    public string ConfigDigest { get; }

    /// <summary>The manifest's digest, or the index's for a multi-platform build.</summary>
    public string ManifestDigest { get; }

    /// <summary>What the iidfile holds: the config digest when there is one, else the manifest's (buildx getImageID).</summary>
    public string ImageId => !ExportsImage ? string.Empty : IsMultiPlatform ? ManifestDigest : ConfigDigest;

    private bool IsMultiPlatform => _request.Platforms.Count > 1;

    private string TargetPlatform => _request.Platforms.Count > 0 ? _request.Platforms[0] : Drivers.HostPlatforms[0];

    public static BuildResult For(Builder builder, NodeInfo node, BuildRequest request, Dockerfile dockerfile)
    {
        var outputTypes = request.Outputs.Select(OutputType).ToList();
        var exportsImage = request.Push || request.Load || outputTypes.Any(ImageExporters.Contains)
            || (request.Outputs.Count == 0 && builder.Driver == Drivers.Docker);
        var names = request.Tags.Concat(request.Outputs.SelectMany(OutputNames)).Select(ImageReference.Normalize).Distinct(StringComparer.Ordinal).ToList();
        return new BuildResult(request, dockerfile, $"{builder.Name}/{node.Node.Name}/{RandomId()}", exportsImage, exportsImage ? names : []);
    }

    public string MetadataJson(bool withWarning)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (Provenance())
            {
                json.WritePropertyName("buildx.build.provenance");
                WriteProvenance(json);
            }

            json.WriteString("buildx.build.ref", Reference);
            if (withWarning && MetadataWarnings())
            {
                json.WritePropertyName("buildx.build.warnings");
                WriteWarnings(json);
            }

            if (ExportsImage)
            {
                if (!IsMultiPlatform)
                {
                    json.WriteString("containerimage.config.digest", ConfigDigest);
                }

                json.WritePropertyName("containerimage.descriptor");
                json.WriteStartObject();
                json.WriteString("mediaType", IsMultiPlatform ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json");
                json.WriteString("digest", ManifestDigest);
                json.WriteNumber("size", IsMultiPlatform ? 856 : 1_037);
                if (!IsMultiPlatform)
                {
                    json.WritePropertyName("annotations");
                    json.WriteStartObject();
                    json.WriteString("config.digest", ConfigDigest);
                    json.WriteString("org.opencontainers.image.created", _created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndObject();
                json.WriteString("containerimage.digest", ManifestDigest);
                if (ImageNames.Count > 0)
                {
                    json.WriteString("image.name", string.Join(',', ImageNames));
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string OutputType(string output) =>
        output.Split(',').Select(f => f.Split('=', 2)).FirstOrDefault(kv => kv[0] == "type") is [_, var type] ? type
        : output.Contains('=', StringComparison.Ordinal) ? string.Empty
        : "local";

    private static IEnumerable<string> OutputNames(string output) =>
        output.Split(',').Select(f => f.Split('=', 2)).Where(kv => kv is ["name", _]).SelectMany(kv => kv[1].Split(';'));

    /// <summary>BUILDX_METADATA_PROVENANCE: min by default; disabled, false or 0 leave it out.</summary>
    private static bool Provenance() =>
        Environment.GetEnvironmentVariable("BUILDX_METADATA_PROVENANCE") is not ("disabled" or "false" or "0" or "f" or "F" or "FALSE" or "False");

    /// <summary>BUILDX_METADATA_WARNINGS must parse as true (Go ParseBool).</summary>
    private static bool MetadataWarnings() =>
        Environment.GetEnvironmentVariable("BUILDX_METADATA_WARNINGS") is "1" or "t" or "T" or "true" or "TRUE" or "True";

    private void WriteProvenance(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("buildType", "https://mobyproject.org/buildkit@v1");
        json.WritePropertyName("materials");
        json.WriteStartArray();
        foreach (var image in _dockerfile.BaseImages())
        {
            var name = image[..image.LastIndexOf(':')].Replace("docker.io/library/", string.Empty, StringComparison.Ordinal).Replace("docker.io/", string.Empty, StringComparison.Ordinal);
            var tag = image[(image.LastIndexOf(':') + 1)..];
            json.WriteStartObject();
            json.WriteString("uri", $"pkg:docker/{name}@{tag}?platform={Uri.EscapeDataString(TargetPlatform)}");
            json.WritePropertyName("digest");
            json.WriteStartObject();
            json.WriteString("sha256", Digest(image)["sha256:".Length..]);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WritePropertyName("invocation");
        json.WriteStartObject();
        json.WritePropertyName("configSource");
        json.WriteStartObject();
        json.WriteString("entryPoint", _dockerfile.Name);
        json.WriteEndObject();
        json.WritePropertyName("parameters");
        json.WriteStartObject();
        json.WriteString("frontend", "dockerfile.v0");
        json.WritePropertyName("locals");
        json.WriteStartArray();
        foreach (var local in (string[])["context", "dockerfile"])
        {
            json.WriteStartObject();
            json.WriteString("name", local);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WritePropertyName("environment");
        json.WriteStartObject();
        json.WriteString("platform", TargetPlatform);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>One build-check warning shaped like the fixture's (base64 short and detail, a source range).</summary>
    private void WriteWarnings(Utf8JsonWriter json)
    {
        json.WriteStartArray();
        json.WriteStartObject();
        json.WriteString("vertex", Digest("vertex"));
        json.WriteNumber("level", 1);
        json.WriteString("short", Convert.ToBase64String(Encoding.UTF8.GetBytes(WarningText)));
        json.WritePropertyName("detail");
        json.WriteStartArray();
        json.WriteStringValue(Convert.ToBase64String("Instructions should be in consistent casing (all lower or all upper)"u8));
        json.WriteEndArray();
        json.WriteString("url", "https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/");
        json.WritePropertyName("sourceInfo");
        json.WriteStartObject();
        json.WriteString("filename", _dockerfile.Name);
        json.WriteString("data", Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', _dockerfile.Instructions) + "\n")));
        json.WriteString("language", "Dockerfile");
        json.WriteEndObject();
        json.WritePropertyName("range");
        json.WriteStartArray();
        json.WriteStartObject();
        json.WritePropertyName("start");
        json.WriteStartObject();
        json.WriteNumber("line", 1);
        json.WriteEndObject();
        json.WritePropertyName("end");
        json.WriteStartObject();
        json.WriteNumber("line", 1);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static string Digest(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string RandomId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(25, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }
}
