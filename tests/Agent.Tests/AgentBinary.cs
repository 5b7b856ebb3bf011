using System.Reflection;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// The blacksmith-agent executable the process tests run: <c>BLACKSMITH_AGENT_BINARY</c> when set (the AOT build),
/// else the JIT build of src/Hosts/Agent next to this test build.
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
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Blacksmith.sln")))
        {
            root = root.Parent;
        }

        var path = root is null ? null : System.IO.Path.Combine(root.FullName, "src", "Hosts", "Agent", "bin", configuration, "net10.0", "blacksmith-agent");
        return path is not null && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"No blacksmith-agent build found at {path ?? "(no Blacksmith.sln above the tests)"}; build the solution first or set {Variable}.");
    }
}
