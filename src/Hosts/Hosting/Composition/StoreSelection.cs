using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// Agent mode when asked for (<c>--store agent</c>) or when the Blacksmith runner's variables are present;
/// otherwise the local store. The agent address, registry mirror and control plane are used only in agent mode.
/// </summary>
public static class StoreSelection
{
    /// <summary>The variables a Blacksmith runner sets; either one selects agent mode.</summary>
    public static readonly IReadOnlyList<string> RunnerVariables = ["BLACKSMITH_VM_ID", "BLACKSMITH_STICKYDISK_TOKEN"];

    /// <summary>Chooses the store; <paramref name="requested"/> is the <c>--store</c> value (<c>agent</c>, <c>local</c>) or null.</summary>
    /// <exception cref="CiInputException">A requested value other than agent or local.</exception>
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

        return RunnerVariables.FirstOrDefault(v => !string.IsNullOrEmpty(environment.Read(v))) is { } found
            ? (StoreMode.Agent, $"{found} is set (a Blacksmith runner)")
            : (StoreMode.Local, "no Blacksmith runner variables (BLACKSMITH_VM_ID, BLACKSMITH_STICKYDISK_TOKEN)");
    }
}
