using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// What a replay's machine says about its jobs (<see cref="ScriptedMachine"/>): its boot id, and whether a claim's owner
/// still runs (one of the machine's processes, with the claimed start time).
/// </summary>
public sealed class ScriptedMachineFacts(ScriptedWorld world, ScriptedMachine machine) : IMachineFacts
{
    public string BootId => machine.BootId;

    public bool IsRunning(ClaimOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return world.IsRunning(owner.Pid, owner.StartTimeTicks);
    }
}
