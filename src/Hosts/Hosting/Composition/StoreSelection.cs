using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.StickyDisk;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// Which sticky-disk store a job uses: the one <c>--store</c> names; else Blacksmith's agent on a Blacksmith runner
/// (<see cref="BlacksmithRunner"/>); else a self-hosted <c>blacksmith-agent</c> when its address is configured; else the
/// local store. What comes with the agent (registry mirror, control plane) is decided in <see cref="JobAdapters"/>.
/// </summary>
public static class StoreSelection
{
    /// <summary>Chooses the store; <paramref name="requested"/> is the <c>--store</c> value (<c>agent</c>, <c>local</c>) or null.</summary>
    /// <exception cref="CiInputException">
    /// A requested value other than agent or local; or a sticky-disk token with nothing to send it to (no Blacksmith
    /// runner, no agent address), which would otherwise silently give a job another store than the one meant.
    /// </exception>
    public static (StoreMode Mode, string Why) Choose(string? requested, IEnvironmentReader environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        switch (requested?.Trim().ToLowerInvariant())
        {
            case "agent":
                return (StoreMode.Agent, "--store agent");
            case "local":
                return (StoreMode.Local, "--store local");
            case null or "":
                break;
            default:
                throw new CiInputException("store", $"--store must be agent or local, not '{requested}'.");
        }

        bool Set(string name) => !string.IsNullOrWhiteSpace(environment.Read(name));
        if (BlacksmithRunner.Detect(environment.Read) is not null)
        {
            return (StoreMode.Agent, $"{BlacksmithRunner.VmIdVariable} is set: a Blacksmith runner");
        }

        if (Set(AgentOptions.AddressVariable))
        {
            return (StoreMode.Agent, $"{AgentOptions.AddressVariable} is set: a self-hosted blacksmith-agent");
        }

        if (Set(AgentOptions.TokenVariable))
        {
            throw new CiInputException(
                "store",
                $"{AgentOptions.TokenVariable} is set, but this is no Blacksmith runner ({BlacksmithRunner.VmIdVariable} is not set) and no agent address is: "
                + $"set {AgentOptions.AddressVariable} to your blacksmith-agent's address (docs/agent.md), or unset the token to use the local store.");
        }

        return (StoreMode.Local, $"neither {BlacksmithRunner.VmIdVariable} nor {AgentOptions.AddressVariable} is set");
    }
}
