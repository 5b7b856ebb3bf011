using System.Runtime.CompilerServices;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// A fact that runs a host in a network namespace with nothing but loopback. Skipped, with the reason, where such a
/// namespace cannot be made, unless <c>BLACKSMITH_REQUIRE_NETNS=1</c> says this machine must run it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresNetworkNamespaceFactAttribute : FactAttribute
{
    public RequiresNetworkNamespaceFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!NetworkNamespace.Required && NetworkNamespace.MissingReason is { } reason)
        {
            Skip = $"Needs a network namespace: {reason}";
        }
    }
}
