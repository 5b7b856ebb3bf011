using System.Runtime.CompilerServices;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;

namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>
/// A fact that runs a whole job against a self-hosted agent inside a network namespace, traced with strace: it needs
/// what a network namespace needs, what the loop-device store needs (root, loop devices), and strace. Skipped with
/// the reason elsewhere, unless <c>BLACKSMITH_REQUIRE_NETNS=1</c> or <c>BLACKSMITH_REQUIRE_LOOP_DEVICES=1</c> says
/// this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresIsolatedAgentFactAttribute : FactAttribute
{
    public RequiresIsolatedAgentFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        var missing = NetworkNamespace.MissingReason
            ?? RunnerSupport.MissingReason
            ?? (File.Exists("/usr/bin/strace") || File.Exists("/bin/strace") ? null : "strace is not installed");
        if (!NetworkNamespace.Required && !RunnerSupport.Required && missing is not null)
        {
            Skip = $"Needs a network namespace, loop devices and strace: {missing}";
        }
    }
}
