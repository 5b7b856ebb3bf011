using System.Reflection;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// The blacksmith executable the end-to-end tests run: <c>BLACKSMITH_BINARY</c> when set (the AOT build, for the
/// smoke test), else the JIT build of src/Hosts/Cli next to this test build. The copy in the test's own output
/// cannot run: the test project brings in ASP.NET Core's shared framework, which that copy's runtimeconfig lacks.
/// </summary>
internal static class BlacksmithBinary
{
    public const string Variable = "BLACKSMITH_BINARY";

    /// <summary>The JIT build of src/Hosts/Cli next to this test build, whatever <c>BLACKSMITH_BINARY</c> names.</summary>
    public static string JitBuild { get; } = System.IO.Path.Combine(
        Checkout.Root, "src", "Hosts", "Cli", "bin",
        typeof(BlacksmithBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0", "blacksmith");

    // After JitBuild, which static initialization reads in declaration order.
    public static string Path { get; } = Locate();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"{Variable}={given} does not exist.");
        }

        return File.Exists(JitBuild)
            ? JitBuild
            : throw new InvalidOperationException($"No blacksmith build found at {JitBuild}; build the solution first or set {Variable}.");
    }
}
