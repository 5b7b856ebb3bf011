using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// Every input of the two actions, described once: the descriptions are those of their action.yml files (a test holds
/// them equal), and <c>--help</c> shows each with its values, its default and its variables. Where the description
/// already states the default, the entry's default is null rather than said twice.
/// </summary>
public static class ActionInputs
{
    private const string Boolean = "true or false (also True, TRUE, False, FALSE)";
    private const string CommaList = "a list: items separated by commas or line breaks; quote an item that holds a comma";
    private const string LineList = "a list: one item per line (commas stay inside the item)";

    /// <summary>setup-docker-builder's inputs for its main step (<c>blacksmith setup</c>), in action.yml's order.</summary>
    public static IReadOnlyList<InputHelp> Setup { get; } =
    [
        new("cache-key",
            "Identity of the layer-cache lineage (same key = shared layers). Default: repository, workflow job and runner architecture; setting one per image is recommended",
            $"{CacheKeyName.Rule}; the default is repository/workflow/job/architecture on GitHub Actions, project/job/architecture on GitLab CI, "
                + "organization/pipeline/step/architecture on Buildkite, else local/architecture",
            null),
        new("buildx-version",
            "Buildx version expected: latest or vX.Y.Z (e.g., v0.23.0); nothing is downloaded, the runner's buildx is used and a different version is a warning",
            "latest or vX.Y.Z; anything else is a warning and means latest",
            "latest"),
        new("buildkit-version",
            "BuildKit version expected (latest or vX.Y.Z, e.g., v0.18.0); nothing is installed, the runner's buildkitd runs and a different version is a warning",
            "latest or vX.Y.Z; anything else is a warning and is ignored",
            "none (any version)"),
        new("platforms",
            "List of platforms the builder node declares (e.g., linux/amd64,linux/arm64). Default: the host's",
            $"{CommaList}; each os/arch[/variant]",
            null),
        new("nofallback",
            "If true, fail the step when the Blacksmith builder cannot be set up instead of falling back to a local builder",
            Boolean,
            "false (fall back, with a warning)"),
        new("github-token",
            "GitHub token for GitHub API access",
            "a token; nothing is downloaded, so setup only masks it",
            "on GitHub Actions the workflow's github.token; elsewhere none")
        {
            Secret = true,
        },
        new("driver-opts",
            "List of additional driver-specific options for docker buildx create (--driver-opt)",
            $"{LineList}; env.NAME=value sets an environment variable of buildkitd, any other option is a warning and ignored",
            "none"),
        new("max-parallelism",
            "Maximum number of build steps BuildKit runs at once. Default: the number of vCPUs",
            "a whole number from 1",
            null),
        new("max-cache-size-mb",
            "At the end of the job, prune the layer cache down to this many MB before committing it. Default: no size bound",
            "a whole number of MB from 1",
            null),
        new("skip-integrity-check",
            "Deprecated: accepted so existing workflows keep working; has no effect",
            $"{Boolean}; true is a warning",
            "false"),
        new("commit",
            "When to commit the layer cache: auto (on success, but never from a pull request whose head is a fork), always-on-success, or never",
            "auto, always-on-success or never",
            "auto"),
    ];

    /// <summary>setup-docker-builder's input for its post step (<c>blacksmith post</c>).</summary>
    public static IReadOnlyList<InputHelp> Post { get; } =
    [
        new("job-status",
            "The job's status, which post needs to decide on the commit. On GitHub Actions leave it to its default; elsewhere pass your CI's status",
            "success, failure or cancelled; GitLab's failed and canceled too; case is ignored. Anything else, or none, skips the commit with a warning",
            "on GitHub Actions the job's job.status; elsewhere none. GitLab: --job-status \"$CI_JOB_STATUS\" in after_script; Buildkite: "
            + "success or failure from BUILDKITE_COMMAND_EXIT_STATUS in a pre-exit hook (docs/ci.md)"),
    ];

    /// <summary>build-push-action's inputs (<c>blacksmith build</c>): docker/build-push-action v7's, plus estargz.</summary>
    public static IReadOnlyList<InputHelp> Build { get; } =
    [
        new("add-hosts", "List of a customs host-to-IP mapping (e.g., docker:10.180.0.1)", $"{CommaList}; each host:ip", "none"),
        new("allow", "List of extra privileged entitlement (e.g., network.host,security.insecure)", CommaList, "none"),
        new("annotations", "List of annotation to set to the image", $"{LineList}; each key=value (buildx 0.12 or later)", "none"),
        new("attests", "List of attestation parameters (e.g., type=sbom,generator=image)", LineList, "none (a default provenance where upstream adds one)"),
        new("build-args", "List of build-time variables", $"{LineList}; each NAME=value", "none"),
        new("build-contexts", "List of additional build contexts (e.g., name=path)", $"{LineList}; each name=path or URL", "none"),
        new("builder", "Builder instance", "a buildx builder name", "the builder setup registered"),
        new("cache-from", "List of external cache sources for buildx (e.g., user/app:cache, type=local,src=path/to/dir)", LineList, "none (the sticky disk is the cache)"),
        new("cache-to", "List of cache export destinations for buildx (e.g., user/app:cache, type=local,dest=path/to/dir)", LineList, "none"),
        new("call", "Set method for evaluating build (e.g., check)", "build, check, outline or targets (buildx 0.15 or later)", "build"),
        new("cgroup-parent", "Optional parent cgroup for the container used in the build", "a cgroup path", "none"),
        new("context", "Build's context is the set of files located in the specified PATH or URL", "a path or a URL; {{defaultContext}} stands for the default git context",
            "on GitHub Actions the git context of the workflow's commit; elsewhere it must be given"),
        new("file", "Path to the Dockerfile", "a path", "Dockerfile in the context"),
        new("labels", "List of metadata for an image", $"{LineList}; each key=value", "none"),
        new("load", "Load is a shorthand for --output=type=docker", Boolean, "false"),
        new("network", "Set the networking mode for the RUN instructions during build", "default, none or host", "default"),
        new("no-cache", "Do not use cache when building the image", Boolean, "false"),
        new("no-cache-filters", "Do not cache specified stages", $"{CommaList}; stage names", "none"),
        new("outputs", "List of output destinations (format: type=local,dest=path)", $"{LineList}, quotes kept", "none (the image stays in the builder unless push or load)"),
        new("platforms", "List of target platforms for build", $"{CommaList}; each os/arch[/variant]", "the builder's platform"),
        new("provenance", "Generate provenance attestation for the build (shorthand for --attest=type=provenance)", "true, false, or attributes such as mode=max", "a default provenance where upstream adds one (docs/builds.md)"),
        new("pull", "Always attempt to pull all referenced images", Boolean, "false"),
        new("push", "Push is a shorthand for --output=type=registry", Boolean, "false"),
        new("sbom", "Generate SBOM attestation for the build (shorthand for --attest=type=sbom)", "true, false, or attributes such as generator=image", "none"),
        new("secrets", "List of secrets to expose to the build (e.g., key=string, GIT_AUTH_TOKEN=mytoken)", $"{LineList}; each id=value", "none")
        {
            Secret = true,
            SecretAlternative = "secret-files or secret-envs",
        },
        new("secret-envs", "List of secret env vars to expose to the build (e.g., key=envname, MY_SECRET=MY_ENV_VAR)", $"{CommaList}; each id=VARIABLE", "none"),
        new("secret-files", "List of secret files to expose to the build (e.g., key=filename, MY_SECRET=./secret.txt)", $"{LineList}; each id=path", "none"),
        new("shm-size", "Size of /dev/shm (e.g., 2g)", "a size with an optional b, k, m or g suffix", "BuildKit's default"),
        new("ssh", "List of SSH agent socket or keys to expose to the build", $"{CommaList}; each default or id=path", "none"),
        new("tags", "List of tags", $"{CommaList}; each an image reference", "none"),
        new("target", "Sets the target stage to build", "a stage name", "the last stage"),
        new("ulimit", "Ulimit options (e.g., nofile=1024:1024)", $"{LineList}; each type=soft:hard", "none"),
        new("github-token", "GitHub Token used to authenticate against a repository for Git context", "a token, given to the build as the secret GIT_AUTH_TOKEN.<host> for the default git context",
            "on GitHub Actions the workflow's github.token; elsewhere none")
        {
            Secret = true,
        },
        new("estargz", "Push with eStargz compression for faster image pulls (requires push: true and buildx >= 0.10)", Boolean, "false"),
    ];
}
