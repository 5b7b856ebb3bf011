namespace Blacksmith.Infrastructure.Tests;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("blacksmith-test-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside this directory that does not exist yet: a job directory the code under test creates.</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
