using System.Text.Json;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Node;

/// <summary>
/// node and the npm tools the tests run, installed from the committed lockfile in tests/node (.ci/run does it with
/// <c>npm ci</c>). A test that needs them asks <see cref="Require"/>: where node or a package is missing it is skipped with
/// the reason and the command that fixes it, unless <c>BLACKSMITH_REQUIRE_NODE=1</c> (CI) makes that a failure.
/// </summary>
internal static class NodeTools
{
    /// <summary>The same switch as the launcher tests': set to 1 where node and these tools must be present.</summary>
    public const string RequiredVariable = Actions.LauncherHarness.RequiredVariable;

    private const string InstallCommand = "npm ci --prefix tests/node";

    /// <summary>tests/node: package.json, package-lock.json, the scripts, and node_modules once installed.</summary>
    public static string Directory => Path.Combine(Checkout.Root, "tests", "node");

    private static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>
    /// The path of node, once node is on PATH and each of <paramref name="packages"/> is installed in tests/node at the
    /// version its package.json pins; otherwise the test is skipped (or fails where they are required) saying what to do.
    /// </summary>
    public static string Require(params string[] packages)
    {
        var node = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists);
        if (node is null)
        {
            Unavailable("node is not on PATH");
        }

        var pinned = Pins();
        foreach (var package in packages)
        {
            var version = pinned.GetValueOrDefault(package)
                ?? throw new InvalidOperationException($"{package} is not a dependency in tests/node/package.json; add it there (and to the lockfile) first.");
            var manifest = Path.Combine(Directory, "node_modules", package, "package.json");
            if (!File.Exists(manifest))
            {
                Unavailable($"the npm package {package} is not installed in tests/node (run {InstallCommand})");
            }

            using var installed = JsonDocument.Parse(File.ReadAllText(manifest));
            var found = installed.RootElement.GetProperty("version").GetString();
            if (found != version)
            {
                Unavailable($"tests/node has {package} {found}, but its package.json pins {version} (run {InstallCommand})");
            }
        }

        return node!;
    }

    private static void Unavailable(string reason)
    {
        Assert.False(Required, $"{reason}, and {RequiredVariable}=1 says these tests must run here");
        Assert.Skip($"{reason}: these tests run GitHub's npm tools");
    }

    private static Dictionary<string, string> Pins()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "package.json")));
        return manifest.RootElement.GetProperty("devDependencies").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }
}
