namespace Blacksmith.Testing;

/// <summary>
/// The source checkout the tests run from (the directory holding Blacksmith.sln), found once from the test assembly's
/// own location. Everything a test reads lives inside it: a clone of the repository alone passes the tests.
/// </summary>
public static class Checkout
{
    private static readonly Lazy<string> FoundRoot = new(Find);

    /// <summary>The checkout's root directory.</summary>
    public static string Root => FoundRoot.Value;

    /// <summary>A path under <c>tests/fixtures</c>: real outputs of buildx and buildkitd, with their provenance in its README.</summary>
    public static string Fixtures(params string[] parts)
    {
        var fixtures = Path.Combine(Root, "tests", "fixtures");
        return Directory.Exists(fixtures)
            ? Path.Combine([fixtures, .. parts])
            : throw new DirectoryNotFoundException($"The tool fixtures are expected in {fixtures}; they are part of the repository.");
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
