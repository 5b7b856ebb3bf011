namespace Blacksmith.Benchmarks;

/// <summary>The source checkout the benchmarks run from: the directory above them that holds Blacksmith.sln.</summary>
internal static class CheckoutRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Blacksmith.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} contains Blacksmith.sln.");
    }
}
