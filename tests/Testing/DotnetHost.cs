namespace Blacksmith.Testing;

/// <summary>
/// The dotnet host running this process, so that a child started through <c>dotnet exec</c> uses the same runtime:
/// this process itself when it is the host, else <c>DOTNET_HOST_PATH</c> (set by <c>dotnet test</c> and
/// <c>dotnet run</c>), else <c>$DOTNET_ROOT/dotnet</c>, else <c>dotnet</c> on the search path.
/// </summary>
public static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        foreach (var candidate in (string?[])[Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"), System.IO.Path.Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "", "dotnet")])
        {
            if (!string.IsNullOrEmpty(candidate) && System.IO.Path.IsPathFullyQualified(candidate) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "dotnet";
    }
}
