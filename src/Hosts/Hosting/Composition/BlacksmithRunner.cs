using Blacksmith.Infrastructure.StickyDisk;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// One of Blacksmith's own runner VMs. It is recognised by <c>BLACKSMITH_VM_ID</c> alone, the variable that names the
/// VM and that only Blacksmith sets. The sticky-disk token is no sign of one: a self-hosted <c>blacksmith-agent</c> is
/// given a token too, and taking the token as a sign sent that agent's token to Blacksmith's API (issue 11).
/// </summary>
/// <remarks>
/// Decided here, once, and asked by the hosts when they compose their adapters: the adapters underneath take explicit
/// options and never guess the mode. Only on such a runner do the fixed BuildKit root and address below, the registry
/// mirror on the agent's host and the control plane apply; everywhere else each job gets its own root and address
/// (docs/ci.md).
/// </remarks>
/// <param name="VmId">The VM's id, as the agent and the control plane know it.</param>
public sealed record BlacksmithRunner(string VmId)
{
    /// <summary>The variable Blacksmith's VMs set, and the only one that makes a runner Blacksmith's.</summary>
    public const string VmIdVariable = AgentOptions.VmIdVariable;

    /// <summary>
    /// Where the VM's sticky disk is mounted (setup-docker-builder's root). Fixed on purpose: a Blacksmith VM runs one
    /// job at a time, and the VM's own tooling expects the cache there.
    /// </summary>
    public const string BuildkitRoot = "/var/lib/buildkit";

    /// <summary>setup-docker-builder's daemon address on the VM's loopback.</summary>
    public const string BuildkitAddress = "tcp://127.0.0.1:1234";

    /// <summary>The runner, or null when <c>BLACKSMITH_VM_ID</c> is unset or blank.</summary>
    /// <param name="environment">Reads one environment variable.</param>
    public static BlacksmithRunner? Detect(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment(VmIdVariable) is { } id && !string.IsNullOrWhiteSpace(id) ? new BlacksmithRunner(id.Trim()) : null;
    }
}
