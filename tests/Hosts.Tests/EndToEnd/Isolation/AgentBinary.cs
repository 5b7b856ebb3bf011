using System.Reflection;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>
/// The blacksmith-agent executable: <c>BLACKSMITH_AGENT_BINARY</c> when set (the AOT build), else the JIT build of
/// src/Hosts/Agent, which this test project builds (it references the project without its assembly).
/// </summary>
internal static class AgentBinary
{
    public const string Variable = "BLACKSMITH_AGENT_BINARY";

    public static string Path { get; } = Locate();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"{Variable}={given} does not exist.");
        }

        var configuration = typeof(AgentBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = System.IO.Path.Combine(Checkout.Root, "src", "Hosts", "Agent", "bin", configuration, "net10.0", "blacksmith-agent");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"No blacksmith-agent build found at {path}; build tests/Hosts.Tests (it references the agent) or set {Variable}.");
    }
}
