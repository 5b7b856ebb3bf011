using System.Runtime.CompilerServices;
using Xunit;

namespace Blacksmith.Testing.BlockDevices;

/// <summary>
/// A fact that formats and mounts real ext4 images on loop devices. It is skipped, with the missing capability as
/// the reason, where that cannot be done (not root, no /dev/loop-control, a tool missing), unless
/// <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c> says this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresLoopDevicesFactAttribute : FactAttribute
{
    public RequiresLoopDevicesFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!LoopDeviceSupport.Required && LoopDeviceSupport.MissingReason is { } reason)
        {
            Skip = $"Needs loop devices: {reason}";
        }
    }
}
