using System.Runtime.CompilerServices;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// A fact that kills real blacksmith steps over the local store on real loop devices. Skipped, with the missing capability
/// as the reason, where that cannot be done (not root, no loop devices, a tool missing), unless
/// <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c> says this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresKillPointsFactAttribute : FactAttribute
{
    public RequiresKillPointsFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!KillPointSupport.Required && KillPointSupport.MissingReason is { } reason)
        {
            Skip = $"Needs root and loop devices: {reason}";
        }
    }
}
