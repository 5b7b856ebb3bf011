using System.Reflection;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// The blacksmith executable the end-to-end tests run: <c>BLACKSMITH_BINARY</c> when set (the AOT build, for the
/// smoke test), else the JIT build of src/Hosts/Cli next to this test build. The copy in the test's own output
/// cannot run: the test project brings in ASP.NET Core's shared framework, which that copy's runtimeconfig lacks.
/// </summary>
internal static class BlacksmithBinary
{
    public const string Variable = "BLACKSMITH_BINARY";

    public static string Path { get; } = Locate();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"{Variable}={given} does not exist.");
        }

        var configuration = typeof(BlacksmithBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Blacksmith.sln")))
        {
            root = root.Parent;
        }

        var path = root is null
            ? null
            : System.IO.Path.Combine(root.FullName, "src", "Hosts", "Cli", "bin", configuration, "net10.0", "blacksmith");
        return path is not null && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"No blacksmith build found at {path ?? "(no Blacksmith.sln above the tests)"}; build the solution first or set {Variable}.");
    }
}
