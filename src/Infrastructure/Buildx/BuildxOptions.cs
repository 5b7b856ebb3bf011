namespace Blacksmith.Infrastructure.Buildx;

/// <summary>How this host runs <c>docker buildx build</c>.</summary>
public sealed class BuildxOptions
{
    /// <summary>docker (a path, or a name looked up on <see cref="SearchPath"/>).</summary>
    public string DockerPath { get; set; } = "docker";

    /// <summary>The PATH docker is found on; this process's PATH when null.</summary>
    public string? SearchPath { get; set; }

    /// <summary>
    /// The job directory: where each build's private directory (secret files, image id, metadata) is created when
    /// <see cref="SecretDirectories"/> finds no memory-backed place for it, and what names the job's place there. The
    /// system temp directory when null.
    /// </summary>
    public string? TemporaryRoot { get; set; }

    /// <summary>Where the job's builds keep their private directories in memory; null: in <see cref="TemporaryRoot"/>.</summary>
    public BuildSecretDirectories? SecretDirectories { get; set; }

    /// <summary>
    /// A build may run this long before its process tree is killed. Builds are long; this only stops one that hangs
    /// (GitHub-hosted jobs end at 6 h anyway).
    /// </summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromHours(6);

    /// <summary><c>docker buildx version</c> may take this long.</summary>
    public TimeSpan VersionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary><c>docker buildx inspect</c> (the builder's BuildKit version, for the default provenance) may take this long.</summary>
    public TimeSpan InspectTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
