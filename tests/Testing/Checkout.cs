namespace Blacksmith.Testing;

/// <summary>
/// The source checkout the tests run from (the directory holding Blacksmith.sln), and the shared reference material
/// beside it (<c>../shared</c>), found once from the test assembly's own location.
/// </summary>
public static class Checkout
{
    private static readonly Lazy<string> FoundRoot = new(Find);

    /// <summary>The checkout's root directory.</summary>
    public static string Root => FoundRoot.Value;

    /// <summary>A path under <c>../shared/fixtures</c> (real outputs of buildx, buildctl and buildkitd), which must exist.</summary>
    public static string Fixtures(params string[] parts)
    {
        var fixtures = Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));
        return Directory.Exists(fixtures)
            ? Path.Combine([fixtures, .. parts])
            : throw new DirectoryNotFoundException($"The tool fixtures are expected in {fixtures}, beside the checkout (as on every developer machine and in CI).");
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Blacksmith.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains Blacksmith.sln: the tests run from a build inside the checkout.");
    }
}
