using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>The machine's facts from /proc: its boot id, and whether a process still is the one a claim names.</summary>
public sealed class ProcMachineFacts : IMachineFacts
{
    private readonly Lazy<string> _bootId = new(ReadBootId);

    public string BootId => _bootId.Value;

    public bool IsRunning(ClaimOwner owner) => JobOwner.IsAlive(owner);

    /// <summary>The kernel's boot id (<c>unknown</c> where it cannot be read).</summary>
    public static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
