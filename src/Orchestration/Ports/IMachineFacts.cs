using Blacksmith.Orchestration.Claims;

namespace Blacksmith.Orchestration.Ports;

/// <summary>What this machine can say about the jobs that claimed it: its boot, and whether a claim's owner still runs.</summary>
public interface IMachineFacts
{
    /// <summary>The kernel's boot id now (<c>unknown</c> where it cannot be read).</summary>
    string BootId { get; }

    /// <summary>Whether <paramref name="owner"/> still runs: its pid exists and started when the claim says.</summary>
    bool IsRunning(ClaimOwner owner);
}
