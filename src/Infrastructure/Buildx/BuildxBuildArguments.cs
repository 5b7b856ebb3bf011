using System.Globalization;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Turns a <see cref="BuildRequest"/> into the <c>docker buildx build</c> command line docker/build-push-action v7
/// assembles (src/context.ts <c>getArgs</c>; protocols §3.1), in its order and with its version gates, plus
/// Blacksmith's <c>estargz</c>. Pure: the caller supplies the facts and the build's temporary directory, and writes
/// the secret files the plan lists. No secret value ever lands in the arguments: <c>secrets</c> and the git token go
/// to files, <c>secret-envs</c> name variables, <c>secret-files</c> name paths. docs/builds.md describes the mapping.
/// </summary>
public static class BuildxBuildArguments
{
    /// <summary>Asks buildx to put build-check warnings in the metadata file.</summary>
    public const string MetadataWarningsVariable = "BUILDX_METADATA_WARNINGS";

    /// <summary>What <c>estargz</c> adds to an image output.</summary>
    public const string EstargzAttributes = "compression=estargz,force-compression=true,oci-mediatypes=true";

    public const string ImageIdFileName = "build-iidfile.txt";
    public const string MetadataFileName = "build-metadata.json";

    private const string GitAuthTokenId = "GIT_AUTH_TOKEN";

    /// <summary>The builder the build runs on: the <c>builder</c> input, else the lifecycle's; empty for buildx's current one.</summary>
    public static string EffectiveBuilder(BuildRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Inputs.Builder.Length > 0 ? request.Inputs.Builder : request.Builder;
    }

    /// <summary>
    /// Whether a default provenance attestation would be added if the builder's BuildKit is ≥ 0.11.0, so the caller
    /// knows whether to inspect the builder: buildx ≥ 0.10.0, no <c>provenance</c> input, no provenance in
    /// <c>attests</c>, no <c>BUILDX_NO_DEFAULT_ATTESTATIONS</c>, and no load into Docker.
    /// </summary>
    /// <exception cref="InvalidBuildInputsException"><c>BUILDX_NO_DEFAULT_ATTESTATIONS</c> is not a boolean.</exception>
    public static bool MayAddDefaultProvenance(BuildInputs inputs, BuildEnvironment environment, BuildxVersion buildx)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(buildx);
        return buildx.IsAtLeast(0, 10, 0)
            && inputs.Provenance.Trim().Length == 0
            && !inputs.Attests.Any(a => BuildxAttributes.HasAttestationType("provenance", a))
            && !NoDefaultAttestations(environment)
            && !BuildxAttributes.HasDockerExporter(inputs.Outputs, inputs.Load);
    }

    /// <summary>Assembles the invocation.</summary>
    /// <param name="request">The build.</param>
    /// <param name="facts">The installed buildx, the CI run, the builder's BuildKit.</param>
    /// <param name="temporaryDirectory">The build's private directory (created by the caller).</param>
    /// <exception cref="InvalidBuildInputsException">The inputs cannot become a build; the message says why.</exception>
    public static BuildxBuildPlan Plan(BuildRequest request, BuildxBuildFacts facts, string temporaryDirectory)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentException.ThrowIfNullOrWhiteSpace(temporaryDirectory);
        var assembly = new Assembly(request, facts, temporaryDirectory);
        return assembly.Build();
    }

    private static bool NoDefaultAttestations(BuildEnvironment environment) =>
        environment.NoDefaultAttestations is not { } value
            ? false
            : GoBool.TryParse(value) ?? throw new InvalidBuildInputsException(
                $"BUILDX_NO_DEFAULT_ATTESTATIONS must be a boolean (1, t, true, 0, f, false, ...), not '{value}'.");

    /// <summary>One assembly: the arguments in order, the files, the notices.</summary>
    private sealed class Assembly(BuildRequest request, BuildxBuildFacts facts, string directory)
    {
        private readonly BuildInputs _inputs = request.Inputs;
        private readonly BuildxVersion _buildx = facts.Buildx;
        private readonly BuildEnvironment _environment = facts.Environment;
        private readonly string? _defaultContext = DefaultGitContext.For(facts.Environment, facts.Buildx);
        private readonly List<string> _arguments = ["build"];
        private readonly List<BuildSecretFile> _secretFiles = [];
        private readonly List<string> _notices = [];

        public BuildxBuildPlan Build()
        {
            var context = Context();
            Each("--add-host", _inputs.AddHosts);
            Each("--allow", _inputs.Allow);
            Gated("--annotation", _inputs.Annotations, 0, 12, 0, "Annotations are only supported by buildx >= 0.12.0; the input 'annotations' is ignored.");
            Each("--build-arg", _inputs.BuildArgs);
            Gated(
                "--build-context",
                [.. _inputs.BuildContexts.Select(c => DefaultGitContext.Render(c, _defaultContext, "build-contexts"))],
                0,
                8,
                0,
                "Build contexts are only supported by buildx >= 0.8.0; the input 'build-contexts' is ignored.");
            Each("--cache-from", _inputs.CacheFrom);
            Each("--cache-to", _inputs.CacheTo);
            Call();
            Single("--cgroup-parent", _inputs.CgroupParent);
            SecretEnvs();
            Single("--file", _inputs.File);
            var imageIdFile = ImageIdFile();
            Each("--label", _inputs.Labels);
            Each("--no-cache-filter", _inputs.NoCacheFilters);
            Outputs();
            if (_inputs.Platforms.Count > 0)
            {
                _arguments.AddRange(["--platform", string.Join(',', _inputs.Platforms)]);
            }

            Attestations();
            Secrets();
            SecretFiles();
            GitAuthToken(context);
            Single("--shm-size", _inputs.ShmSize);
            Each("--ssh", _inputs.Ssh);
            Each("--tag", _inputs.Tags);
            Single("--target", _inputs.Target);
            Each("--ulimit", _inputs.Ulimit);

            Single("--builder", EffectiveBuilder(request));
            Flag("--load", _inputs.Load);
            string? metadataFile = null;
            if (_buildx.IsAtLeast(0, 6, 0))
            {
                metadataFile = Path.Combine(directory, MetadataFileName);
                _arguments.AddRange(["--metadata-file", metadataFile]);
            }

            Single("--network", _inputs.Network);
            Flag("--no-cache", _inputs.NoCache);
            Flag("--pull", _inputs.Pull);
            Flag("--push", _inputs.Push);
            _arguments.Add(context);

            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [MetadataWarningsVariable] = "true" };
            return new BuildxBuildPlan(_arguments, environment, directory, imageIdFile, metadataFile, _secretFiles, _notices);
        }

        // The context input, templated; empty (or empty once rendered) means the default git context.
        private string Context()
        {
            var rendered = DefaultGitContext.Render(_inputs.Context, _defaultContext, "context");
            if (rendered.Length > 0)
            {
                return rendered;
            }

            return _defaultContext ?? throw new InvalidBuildInputsException(
                "No build context: the input 'context' is empty and there is no default git context (it needs GITHUB_REPOSITORY "
                + "and GITHUB_SHA or GITHUB_REF, i.e. GitHub Actions). Set 'context' to a path or URL.");
        }

        private void Call()
        {
            if (_inputs.Call.Length == 0)
            {
                return;
            }

            if (!_buildx.IsAtLeast(0, 15, 0))
            {
                throw new InvalidBuildInputsException($"Buildx >= 0.15.0 is required to use the call flag; this buildx is {_buildx}.");
            }

            _arguments.AddRange(["--call", _inputs.Call]);
        }

        private void SecretEnvs()
        {
            foreach (var entry in _inputs.SecretEnvs)
            {
                if (SplitSecret(entry) is (string key, string variable))
                {
                    _arguments.AddRange(["--secret", $"id={key},env={variable}"]);
                }
                else
                {
                    // A secret-envs entry names a variable, not a value: it may be shown.
                    _notices.Add($"{entry} is not a valid secret (secret-envs expects KEY=ENV_VAR); skipped.");
                }
            }
        }

        // buildx has no image id for a local or tar export; before 0.4.2 it had none for several platforms either.
        private string? ImageIdFile()
        {
            if (BuildxAttributes.HasFileExporter(_inputs.Outputs) || (_inputs.Platforms.Count > 0 && !_buildx.IsAtLeast(0, 4, 2)))
            {
                return null;
            }

            var path = Path.Combine(directory, ImageIdFileName);
            _arguments.AddRange(["--iidfile", path]);
            return path;
        }

        /// <summary>
        /// The outputs, with estargz (when asked for, pushing, and buildx ≥ 0.10.0) appended to every registry or
        /// image output that does not choose its own compression, or added as a registry output when there is none.
        /// </summary>
        private void Outputs()
        {
            var estargz = _inputs.Estargz && _inputs.Push && _buildx.IsAtLeast(0, 10, 0);
            if (_inputs.Estargz && !_buildx.IsAtLeast(0, 10, 0))
            {
                _notices.Add($"eStargz compression requires buildx >= 0.10.0 (this is {_buildx}); the input 'estargz' is ignored.");
            }
            else if (_inputs.Estargz && !_inputs.Push)
            {
                _notices.Add("eStargz compression requires push: true; the input 'estargz' is ignored.");
            }

            var compressed = false;
            foreach (var output in _inputs.Outputs)
            {
                var isImage = BuildxAttributes.HasExporterType("registry", [output]) || BuildxAttributes.HasExporterType("image", [output]);
                if (estargz && isImage && BuildxAttributes.Attribute(output, "compression") is null)
                {
                    _arguments.AddRange(["--output", $"{output},{EstargzAttributes}"]);
                    compressed = true;
                }
                else
                {
                    if (estargz && isImage)
                    {
                        _notices.Add($"The output '{output}' sets its own compression; estargz leaves it as it is.");
                    }

                    _arguments.AddRange(["--output", output]);
                }
            }

            if (estargz && _inputs.Outputs.Count == 0)
            {
                _arguments.AddRange(["--output", $"type=registry,{EstargzAttributes}"]);
            }
            else if (estargz && !compressed && !_inputs.Outputs.Any(o => BuildxAttributes.HasExporterType("registry", [o]) || BuildxAttributes.HasExporterType("image", [o])))
            {
                _notices.Add("estargz applies to a registry or image output, and 'outputs' has none; the input 'estargz' is ignored.");
            }
        }

        /// <summary>upstream <c>getAttestArgs</c>: the provenance input or the default, the sbom input, then <c>attests</c>.</summary>
        private void Attestations()
        {
            if (!_buildx.IsAtLeast(0, 10, 0))
            {
                if (_inputs.Attests.Count > 0 || _inputs.Provenance.Trim().Length > 0 || _inputs.Sbom.Length > 0)
                {
                    _notices.Add("Attestations are only supported by buildx >= 0.10.0; the inputs 'attests', 'provenance' and 'sbom' are ignored.");
                }

                return;
            }

            var runUrl = _environment.RunUrl;
            var provenanceSet = false;
            if (ProvenanceInput(_inputs.Provenance.Trim(), runUrl) is { } provenance)
            {
                var attributes = provenance.Length == 0 ? "type=provenance" : $"type=provenance,{provenance}";
                _arguments.AddRange(["--attest", BuildxAttributes.ResolveAttestationAttributes(attributes)]);
                provenanceSet = true;
            }
            else if (MayAddDefaultProvenance(_inputs, _environment, _buildx) && facts.BuildkitSupportsProvenance)
            {
                // A private repository gets buildx's own default (min, inline only); so does one whose privacy is unknown.
                var mode = _environment.RepositoryPrivate ?? true ? "mode=min,inline-only=true" : "mode=max";
                _arguments.AddRange(["--attest", $"type=provenance,{BuildxAttributes.ResolveProvenanceAttributes(mode, runUrl)}"]);
            }

            var sbomSet = false;
            if (_inputs.Sbom.Length > 0)
            {
                _arguments.AddRange(["--attest", BuildxAttributes.ResolveAttestationAttributes($"type=sbom,{_inputs.Sbom}")]);
                sbomSet = true;
            }

            foreach (var attest in _inputs.Attests)
            {
                var isProvenance = BuildxAttributes.HasAttestationType("provenance", attest);
                var isSbom = BuildxAttributes.HasAttestationType("sbom", attest);
                if (!isProvenance && !isSbom)
                {
                    _arguments.AddRange(["--attest", BuildxAttributes.ResolveAttestationAttributes(attest)]);
                }
                else if (!provenanceSet && isProvenance)
                {
                    _arguments.AddRange(["--attest", BuildxAttributes.ResolveProvenanceAttributes(attest, runUrl)]);
                }
                else if (!sbomSet && isSbom)
                {
                    _arguments.Add("--attest");
                    _arguments.Add(attest);
                }
            }
        }

        private void Secrets()
        {
            for (var i = 0; i < _inputs.Secrets.Entries.Count; i++)
            {
                if (SplitSecret(_inputs.Secrets.Entries[i]) is (string key, string value))
                {
                    AddSecretFile(key, value);
                }
                else
                {
                    // Never the entry itself: "=value" would print the value.
                    _notices.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Entry {i + 1} of 'secrets' is not a valid secret (expected KEY=VALUE with a non-empty key and value); skipped."));
                }
            }
        }

        // docker/build-push-action v7 passes the user's file itself (actions-toolkit ≥ 0.59 no longer copies it).
        private void SecretFiles()
        {
            foreach (var entry in _inputs.SecretFiles)
            {
                if (SplitSecret(entry) is not (string key, string path))
                {
                    _notices.Add($"{entry} is not a valid secret (secret-files expects KEY=PATH); skipped.");
                }
                else if (!facts.FileExists(path))
                {
                    _notices.Add($"secret file {path} not found; the secret '{key}' is skipped.");
                }
                else
                {
                    _arguments.AddRange(["--secret", $"id={key},src={path}"]);
                }
            }
        }

        /// <summary>
        /// A build from the default git context gets the token as <c>GIT_AUTH_TOKEN.&lt;host&gt;</c> (host with port,
        /// as upstream since v6.19), unless <c>secrets</c> already has a git token, scoped or not.
        /// </summary>
        private void GitAuthToken(string context)
        {
            var token = _inputs.Secrets.GitHubToken;
            if (token.Length == 0 || _defaultContext is null || !context.StartsWith(_defaultContext, StringComparison.Ordinal))
            {
                return;
            }

            if (!Uri.TryCreate(_environment.ServerUrl, UriKind.Absolute, out var server) || server.Authority.Length == 0)
            {
                throw new InvalidBuildInputsException($"GITHUB_SERVER_URL must be an absolute URL to scope the git token to its host, not '{_environment.ServerUrl}'.");
            }

            var id = $"{GitAuthTokenId}.{server.Authority}";
            if (_inputs.Secrets.Entries.Any(e => e.StartsWith($"{GitAuthTokenId}=", StringComparison.Ordinal) || e.StartsWith($"{id}=", StringComparison.Ordinal)))
            {
                return;
            }

            AddSecretFile(id, token);
        }

        private void AddSecretFile(string id, string value)
        {
            var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"secret-{_secretFiles.Count + 1}"));
            _secretFiles.Add(new BuildSecretFile(path, id, value));
            _arguments.AddRange(["--secret", $"id={id},src={path}"]);
        }

        private void Each(string flag, IReadOnlyList<string> values)
        {
            foreach (var value in values)
            {
                _arguments.AddRange([flag, value]);
            }
        }

        private void Gated(string flag, IReadOnlyList<string> values, int major, int minor, int patch, string ignored)
        {
            if (_buildx.IsAtLeast(major, minor, patch))
            {
                Each(flag, values);
            }
            else if (values.Count > 0)
            {
                _notices.Add(ignored);
            }
        }

        private void Single(string flag, string value)
        {
            if (value.Length > 0)
            {
                _arguments.AddRange([flag, value]);
            }
        }

        private void Flag(string flag, bool set)
        {
            if (set)
            {
                _arguments.Add(flag);
            }
        }

        /// <summary>
        /// upstream <c>getProvenanceInput</c>: null when not set; a true boolean (as Actions reads booleans) is the
        /// run's builder id, false stays <c>false</c>, anything else gets the builder id appended if it has none.
        /// </summary>
        private static string? ProvenanceInput(string input, string? runUrl) => input switch
        {
            "" => null,
            "true" or "True" or "TRUE" => runUrl is null ? string.Empty : $"builder-id={runUrl}",
            "false" or "False" or "FALSE" => "false",
            _ => BuildxAttributes.ResolveProvenanceAttributes(input, runUrl),
        };

        // KEY=VALUE split at the first '='; both sides must be non-empty.
        private static (string Key, string Value)? SplitSecret(string entry)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            return equals <= 0 || equals == entry.Length - 1 ? null : (entry[..equals], entry[(equals + 1)..]);
        }
    }
}
