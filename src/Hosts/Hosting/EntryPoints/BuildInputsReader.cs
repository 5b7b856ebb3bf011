using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// Reads docker/build-push-action v7's inputs (plus <c>estargz</c>) the way upstream does: which list inputs split on
/// commas and which keep them, booleans per the YAML core schema, secrets masked as soon as they are read.
/// </summary>
public static class BuildInputsReader
{
    /// <summary>The action's input names (actions/build-push-action/action.yml).</summary>
    public static readonly IReadOnlyList<string> Names = [.. ActionInputs.Build.Select(input => input.Name)];

    public static BuildInputs Read(ICiRuntime ci)
    {
        ArgumentNullException.ThrowIfNull(ci);
        IReadOnlyList<string> Split(string name) => ci.GetListInput(name);
        IReadOnlyList<string> Whole(string name) => ci.GetListInput(name, ListInputOptions.IgnoreComma);

        // Secrets first, so that nothing read later can print one unmasked.
        var secrets = Whole("secrets");
        foreach (var entry in secrets)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            ci.MaskSecret(eq >= 0 ? entry[(eq + 1)..] : entry);
        }

        var token = ci.GetSecretInput("github-token");
        return new BuildInputs
        {
            AddHosts = Split("add-hosts"),
            Allow = Split("allow"),
            Annotations = Whole("annotations"),
            Attests = Whole("attests"),
            BuildArgs = Whole("build-args"),
            BuildContexts = Whole("build-contexts"),
            Builder = ci.GetInput("builder"),
            CacheFrom = Whole("cache-from"),
            CacheTo = Whole("cache-to"),
            Call = ci.GetInput("call"),
            CgroupParent = ci.GetInput("cgroup-parent"),
            Context = ci.GetInput("context"),
            File = ci.GetInput("file"),
            Labels = Whole("labels"),
            Load = ci.GetBooleanInput("load", defaultValue: false),
            Network = ci.GetInput("network"),
            NoCache = ci.GetBooleanInput("no-cache", defaultValue: false),
            NoCacheFilters = Split("no-cache-filters"),
            Outputs = ci.GetListInput("outputs", ListInputOptions.IgnoreComma | ListInputOptions.NoQuotes),
            Platforms = Split("platforms"),
            Provenance = ci.GetInput("provenance"),
            Pull = ci.GetBooleanInput("pull", defaultValue: false),
            Push = ci.GetBooleanInput("push", defaultValue: false),
            Sbom = ci.GetInput("sbom"),
            Secrets = new BuildSecretInputs(secrets, token),
            SecretEnvs = Split("secret-envs"),
            SecretFiles = Whole("secret-files"),
            ShmSize = ci.GetInput("shm-size"),
            Ssh = Split("ssh"),
            Tags = Split("tags"),
            Target = ci.GetInput("target"),
            Ulimit = Whole("ulimit"),
            Estargz = ci.GetBooleanInput("estargz", defaultValue: false),
        };
    }
}
