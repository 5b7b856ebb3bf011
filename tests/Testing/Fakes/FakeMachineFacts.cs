using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>A machine whose boot id and running processes a test sets.</summary>
public sealed class FakeMachineFacts : IMachineFacts
{
    public string BootId { get; set; } = "boot-1";

    /// <summary>The pids that still run (with any start time: a reused pid is a test's own business).</summary>
    public HashSet<int> Running { get; } = [];

    public bool IsRunning(ClaimOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return Running.Contains(owner.Pid);
    }
}
