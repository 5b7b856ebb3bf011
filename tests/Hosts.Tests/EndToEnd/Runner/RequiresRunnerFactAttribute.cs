using System.Runtime.CompilerServices;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// A fact that runs whole jobs in the <see cref="RunnerSimulator"/>. Skipped, with the missing capability as the
/// reason, where that cannot be done (not root, no loop devices, no node), unless
/// <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c> says this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRunnerFactAttribute : FactAttribute
{
    public RequiresRunnerFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!RunnerSupport.Required && RunnerSupport.MissingReason is { } reason)
        {
            Skip = $"Needs a runner machine with loop devices: {reason}";
        }
    }
}
