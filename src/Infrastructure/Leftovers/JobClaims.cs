using System.Text.Json;
using Blacksmith.Infrastructure.Hashing;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Leftovers;

/// <summary>
/// The machine's job claims, one small JSON file per job directory. They live where a job's own directory does not
/// (the runner wipes <c>RUNNER_TEMP</c> at the start of each job), and in a directory private to this user, because a
/// claim tells a later job which daemon to stop and which mount to remove.
/// </summary>
public sealed class JobClaims : IClaimRegistry
{
    /// <summary>Overrides where the claims live (tests; machines with an unusual layout).</summary>
    public const string DirectoryVariable = "BLACKSMITH_CLAIMS_DIR";

    private const string Extension = ".json";
    private const string ReportedMarker = ".reported";
    private const string TemporaryMarker = ".tmp-";

    /// <param name="directory">The claims directory; created (0700) on the first write.</param>
    public JobClaims(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The claims directory.</summary>
    public string Directory { get; }

    public string Location => Directory;

    /// <summary>
    /// <c>BLACKSMITH_CLAIMS_DIR</c>; else <c>/run/blacksmith/claims</c> as root; else
    /// <c>$XDG_RUNTIME_DIR/blacksmith/claims</c>; else <c>&lt;tmp&gt;/blacksmith-&lt;uid&gt;/claims</c>. The run
    /// directories are emptied at boot, as are the processes and mounts a claim names.
    /// </summary>
    public static string DefaultDirectory(Func<string, string?> environment, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(environment);
        static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (NonEmpty(environment(DirectoryVariable)) is { } configured)
        {
            return configured;
        }

        return isRoot ? "/run/blacksmith/claims" : Path.Combine(RuntimeDirectory.ForUser(environment), "claims");
    }

    /// <summary>The file that holds the claim of <paramref name="jobDirectory"/>.</summary>
    public string PathOf(string jobDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        return Path.Combine(Directory, NameHash.Sha256Hex(Path.GetFullPath(jobDirectory))[..24] + Extension);
    }

    /// <summary>Writes (or replaces) <paramref name="claim"/> atomically: a 0600 temporary file renamed over the old one.</summary>
    /// <exception cref="IOException">The directory or file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory belongs to someone else.</exception>
    public void Write(JobClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        UnixFiles.CreatePrivateDirectory(Directory);
        var path = PathOf(claim.JobDirectory);
        var temporary = path + TemporaryMarker + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = UnixFiles.OpenPrivateFile(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, claim, JobClaimsJsonContext.Default.JobClaim);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The claim of <paramref name="jobDirectory"/>; null when there is none or it cannot be read.</summary>
    public JobClaim? Read(string jobDirectory) => ReadFile(PathOf(jobDirectory)).Claim;

    public Task<ClaimListing> ListAsync(CancellationToken cancellationToken)
    {
        if (CheckPrivate() is { } untrusted)
        {
            return Task.FromResult(new ClaimListing([], untrusted));
        }

        try
        {
            return Task.FromResult(new ClaimListing(ReadAll()));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(new ClaimListing([], $"{Directory} could not be listed: {ex.Message}"));
        }
    }

    public Task<StoredClaim?> FindAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        var path = PathOf(jobDirectory);
        return Task.FromResult<StoredClaim?>(File.Exists(path) && CheckPrivate() is null ? ReadFile(path) : null);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Task.FromResult(DeleteFile(id));

    public Task<bool> MarkReportedAsync(string id, CancellationToken cancellationToken)
    {
        InDirectory(id);
        try
        {
            using var marker = UnixFiles.OpenPrivateFile(id + ReportedMarker, FileMode.CreateNew, FileAccess.Write);
            return Task.FromResult(true);
        }
        catch (IOException) when (File.Exists(id + ReportedMarker))
        {
            return Task.FromResult(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without a mark the job is reported again by the next one; that is all.
            return Task.FromResult(true);
        }
    }

    /// <summary>Every claim file in the directory (none when it does not exist).</summary>
    /// <exception cref="IOException">The directory could not be listed.</exception>
    public IReadOnlyList<StoredClaim> ReadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)
            .Order(StringComparer.Ordinal)
            .Select(ReadFile)
            .ToList();
    }

    /// <summary>Deletes one claim file and its mark; false when it was gone already.</summary>
    public bool DeleteFile(string path)
    {
        InDirectory(path);
        TryDelete(path + ReportedMarker);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>
    /// Why the claims must not be acted on, or null when they may: the directory must belong to this user and be
    /// closed to everyone else, or anyone could make a later job unmount or signal what they name.
    /// </summary>
    public string? CheckPrivate()
    {
        if (!OperatingSystem.IsLinux() || !System.IO.Directory.Exists(Directory))
        {
            return null;
        }

        var me = Libc.GetEffectiveUserId();
        if (UnixFiles.TryGetOwner(Directory, out var uid, out _) && uid != me)
        {
            return $"{Directory} belongs to uid {uid}, not to this user (uid {me})";
        }

        var mode = File.GetUnixFileMode(Directory);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            ? $"{Directory} is writable by other users ({mode})"
            : null;
    }

    private void InDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) != Directory)
        {
            throw new ArgumentException($"{path} is not in the claims directory {Directory}", nameof(path));
        }
    }

    private static StoredClaim ReadFile(string path)
    {
        try
        {
            var claim = JsonSerializer.Deserialize(File.ReadAllBytes(path), JobClaimsJsonContext.Default.JobClaim);
            return claim is null ? new StoredClaim(path, null, "it holds null") : new StoredClaim(path, claim);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new StoredClaim(path, null, "it is gone");
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return new StoredClaim(path, null, ex.Message);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a temporary file or a mark; the next write uses another name, a stale mark only silences one report.
        }
    }
}
