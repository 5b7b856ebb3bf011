namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Real tool outputs collected from docker/actions-toolkit, in ../shared/fixtures beside the checkout.</summary>
internal static class ToolkitFixtures
{
    public static string Path(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Blacksmith.sln")))
        {
            directory = directory.Parent;
        }

        var fixtures = directory is null ? null : System.IO.Path.Combine(directory.FullName, "..", "shared", "fixtures", "docker-actions-toolkit");
        return fixtures is not null && Directory.Exists(fixtures)
            ? System.IO.Path.Combine([fixtures, .. parts])
            : throw new DirectoryNotFoundException("The tool fixtures are expected in ../shared/fixtures beside the checkout (as on every developer machine and in CI).");
    }
}
