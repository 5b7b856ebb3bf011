using System.Reflection;

namespace Blacksmith.Testing;

/// <summary>
/// The blacksmith-agent executable the process tests run: <c>BLACKSMITH_AGENT_BINARY</c> when set (the AOT build),
/// else the JIT build of src/Hosts/Agent in this checkout, which every test project that runs it builds (Agent.Tests
/// and Hosts.Tests reference the agent's project).
/// </summary>
public static class AgentBinary
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
            : throw new InvalidOperationException($"No blacksmith-agent build found at {path}; build the solution first or set {Variable}.");
    }
}
