namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// Every input of docker/build-push-action v7, typed, plus Blacksmith's <see cref="Estargz"/>. List inputs arrive
/// already split (splitting the raw strings is the CI runtime's job, protocols §2.2); an empty string or list means
/// the input was not set. Defaults are upstream's: the booleans are false, <see cref="Context"/> empty means the
/// default git context. Secret values live only in <see cref="Secrets"/>, whose text form never shows them.
/// </summary>
public sealed record BuildInputs
{
    /// <summary><c>add-hosts</c>: host-to-IP mappings (<c>--add-host</c>, one per entry).</summary>
    public IReadOnlyList<string> AddHosts { get; init; } = [];

    /// <summary><c>allow</c>: extra privileged entitlements (<c>--allow</c>, one per entry, as upstream v7).</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary><c>annotations</c>: image annotations (<c>--annotation</c>; buildx ≥ 0.12.0).</summary>
    public IReadOnlyList<string> Annotations { get; init; } = [];

    /// <summary><c>attests</c>: attestation parameters (<c>--attest</c>).</summary>
    public IReadOnlyList<string> Attests { get; init; } = [];

    /// <summary><c>build-args</c>: build-time variables (<c>--build-arg</c>).</summary>
    public IReadOnlyList<string> BuildArgs { get; init; } = [];

    /// <summary><c>build-contexts</c>: named extra contexts (<c>--build-context</c>; buildx ≥ 0.8.0); <c>{{defaultContext}}</c> is substituted.</summary>
    public IReadOnlyList<string> BuildContexts { get; init; } = [];

    /// <summary><c>builder</c>: the builder to use (<c>--builder</c>); empty for the one the lifecycle registered.</summary>
    public string Builder { get; init; } = string.Empty;

    /// <summary><c>cache-from</c>: external cache sources (<c>--cache-from</c>).</summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];

    /// <summary><c>cache-to</c>: cache export destinations (<c>--cache-to</c>).</summary>
    public IReadOnlyList<string> CacheTo { get; init; } = [];

    /// <summary><c>call</c>: the evaluation method, e.g. <c>check</c> (<c>--call</c>; buildx ≥ 0.15.0).</summary>
    public string Call { get; init; } = string.Empty;

    /// <summary><c>cgroup-parent</c>: the parent cgroup of RUN containers (<c>--cgroup-parent</c>).</summary>
    public string CgroupParent { get; init; } = string.Empty;

    /// <summary><c>context</c>: a path or URL; empty for the default git context. <c>{{defaultContext}}</c> is substituted.</summary>
    public string Context { get; init; } = string.Empty;

    /// <summary><c>file</c>: the Dockerfile (<c>--file</c>).</summary>
    public string File { get; init; } = string.Empty;

    /// <summary><c>labels</c>: image labels (<c>--label</c>).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary><c>load</c>: load the result into Docker (<c>--load</c>).</summary>
    public bool Load { get; init; }

    /// <summary><c>network</c>: the network mode of RUN instructions (<c>--network</c>).</summary>
    public string Network { get; init; } = string.Empty;

    /// <summary><c>no-cache</c>: build without the cache (<c>--no-cache</c>).</summary>
    public bool NoCache { get; init; }

    /// <summary><c>no-cache-filters</c>: stages not to cache (<c>--no-cache-filter</c>).</summary>
    public IReadOnlyList<string> NoCacheFilters { get; init; } = [];

    /// <summary><c>outputs</c>: output destinations (<c>--output</c>).</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary><c>platforms</c>: target platforms (one <c>--platform</c>, joined with commas).</summary>
    public IReadOnlyList<string> Platforms { get; init; } = [];

    /// <summary>
    /// <c>provenance</c> as the user wrote it: empty, a boolean (<c>true</c>/<c>false</c> in any of the three cases
    /// Actions accepts) or attributes such as <c>mode=max</c>.
    /// </summary>
    public string Provenance { get; init; } = string.Empty;

    /// <summary><c>pull</c>: always pull referenced images (<c>--pull</c>).</summary>
    public bool Pull { get; init; }

    /// <summary><c>push</c>: push the result (<c>--push</c>).</summary>
    public bool Push { get; init; }

    /// <summary><c>sbom</c>: SBOM attestation shorthand (<c>--attest type=sbom,...</c>).</summary>
    public string Sbom { get; init; } = string.Empty;

    /// <summary>The secret inputs: <c>secrets</c> and <c>github-token</c>.</summary>
    public BuildSecretInputs Secrets { get; init; } = BuildSecretInputs.None;

    /// <summary><c>secret-envs</c>: <c>id=ENV_VAR</c> entries (<c>--secret id=...,env=...</c>); names, not values.</summary>
    public IReadOnlyList<string> SecretEnvs { get; init; } = [];

    /// <summary><c>secret-files</c>: <c>id=path</c> entries (<c>--secret id=...,src=path</c>); paths, not values.</summary>
    public IReadOnlyList<string> SecretFiles { get; init; } = [];

    /// <summary><c>shm-size</c>: size of /dev/shm (<c>--shm-size</c>).</summary>
    public string ShmSize { get; init; } = string.Empty;

    /// <summary><c>ssh</c>: SSH agent sockets or keys (<c>--ssh</c>).</summary>
    public IReadOnlyList<string> Ssh { get; init; } = [];

    /// <summary><c>tags</c>: image names (<c>--tag</c>).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>target</c>: the stage to build (<c>--target</c>).</summary>
    public string Target { get; init; } = string.Empty;

    /// <summary><c>ulimit</c>: ulimit options (<c>--ulimit</c>).</summary>
    public IReadOnlyList<string> Ulimit { get; init; } = [];

    /// <summary>
    /// Blacksmith's <c>estargz</c>: push the image layers eStargz-compressed (lazy pulling). Needs <see cref="Push"/>
    /// and buildx ≥ 0.10.0; docs/builds.md has the exact rule.
    /// </summary>
    public bool Estargz { get; init; }
}
