using System.Text;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// One build's private directory (0700) for its secret files (0600), image id file and metadata file, removed with
/// everything in it when the build is done. It lives under a directory the caller names: the job's directory in memory
/// (<see cref="BuildSecretDirectories"/>), else the job directory, where post and the cleanup after the job find what a
/// host killed mid-build left.
/// </summary>
public sealed class BuildTemporaryFiles : IDisposable
{
    /// <summary>How every build's directory name starts, so that post and the cleanup find them.</summary>
    public const string Prefix = "build-";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private BuildTemporaryFiles(string directory, IReadOnlyList<string> warnings)
    {
        Directory = directory;
        Warnings = warnings;
    }

    /// <summary>The build's directory.</summary>
    public string Directory { get; }

    /// <summary>Problems handing a newly created parent directory to the job's user (when root created it).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Creates <c>&lt;root&gt;/build-&lt;build id&gt;-&lt;random&gt;</c> (and <paramref name="root"/> if needed) as 0700.</summary>
    /// <exception cref="IOException">The directory could not be created.</exception>
    public static BuildTemporaryFiles Create(string root, string buildId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(buildId);
        var parent = Path.GetFullPath(root);
        var warnings = UnixFiles.CreatePrivateDirectory(parent);
        // A random part: the same build id may run again in this job (a retried step) while the old directory lingers. It
        // needs to differ, not to be unguessable (the parent is this user's private 0700 directory), and
        // RandomNumberGenerator would load OpenSSL into every build for it.
        var directory = Path.Combine(parent, $"{Prefix}{JobDirectory.Sanitize(buildId)}-{Random.Shared.GetHexString(12, lowercase: true)}");
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFiles.PrivateDirectory);
        }

        return new BuildTemporaryFiles(directory, warnings);
    }

    /// <summary>Writes each secret into a new 0600 file; a file that already exists is an error, never overwritten.</summary>
    /// <exception cref="IOException">A file could not be written.</exception>
    public void Write(IReadOnlyList<BuildSecretFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            var path = Path.GetFullPath(file.Path);
            if (!string.Equals(Path.GetDirectoryName(path), Directory, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A secret file must be directly in {Directory}, not at {path}.", nameof(files));
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFiles.PrivateFile;
            }

            using var stream = new FileStream(path, options);
            stream.Write(Utf8.GetBytes(file.Value));
        }
    }

    /// <summary>Removes the directory and everything in it; returns why that failed, or null.</summary>
    public string? TryDelete()
    {
        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    public void Dispose() => TryDelete();
}
