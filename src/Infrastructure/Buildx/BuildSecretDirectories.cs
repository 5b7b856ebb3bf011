using System.Globalization;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Hashing;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Where a job's builds keep their private directories (secret files, image id, metadata): in memory, so that a build
/// killed before it could remove its directory never leaves a secret on a disk. The first of
/// <c>$XDG_RUNTIME_DIR</c> and <c>/dev/shm</c> that is a memory-backed filesystem (tmpfs or ramfs) gets a directory of this
/// user's own, <c>blacksmith-builds-&lt;uid&gt;</c> (0700, refused when it is a link, another user's or open to others),
/// and in it one directory per job, named by a hash of the job directory so that post and a later job's cleanup find it
/// from the job directory alone. Where neither exists the builds' directories go in the job directory, on disk, as
/// before; post and the cleanup remove those too.
/// </summary>
public sealed class BuildSecretDirectories : IBuildSecrets
{
    /// <summary>The shared-memory filesystem every Linux distribution mounts.</summary>
    public const string SharedMemory = "/dev/shm";

    private static readonly string[] MemoryFilesystems = ["tmpfs", "ramfs"];

    private readonly IReadOnlyList<string> _memoryParents;
    private readonly string _ownName;
    private readonly string _mountInfoPath;

    /// <param name="memoryParents">Where to look, in order: directories that may be on a memory-backed filesystem.</param>
    /// <param name="mountInfoPath">The mount table that tells a memory-backed filesystem (<c>/proc/self/mountinfo</c>).</param>
    public BuildSecretDirectories(IReadOnlyList<string> memoryParents, string mountInfoPath = MountInfo.SelfPath)
    {
        ArgumentNullException.ThrowIfNull(memoryParents);
        _memoryParents = memoryParents;
        var uid = OperatingSystem.IsLinux() ? Libc.GetEffectiveUserId().ToString(CultureInfo.InvariantCulture) : Environment.UserName;
        _ownName = $"blacksmith-builds-{uid}";
        _mountInfoPath = mountInfoPath;
    }

    /// <summary><c>$XDG_RUNTIME_DIR</c> (when it names an absolute path) and then <c>/dev/shm</c>.</summary>
    public static BuildSecretDirectories ForThisUser(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var runtime = environment("XDG_RUNTIME_DIR")?.Trim();
        return new BuildSecretDirectories(
            string.IsNullOrEmpty(runtime) || !Path.IsPathFullyQualified(runtime) ? [SharedMemory] : [runtime, SharedMemory]);
    }

    /// <summary>
    /// The directory the builds of <paramref name="jobDirectory"/> make theirs in, and why it is not in memory when it is
    /// not (null when it is). Creates this user's own directory on the memory-backed filesystem when it is missing.
    /// </summary>
    internal async Task<(string Directory, string? NotInMemory)> ChooseAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        var passedOver = new List<string>();
        foreach (var parent in _memoryParents)
        {
            var own = Path.Combine(parent, _ownName);
            var why = await NotMemoryBackedAsync(parent, cancellationToken) ?? MakeOwn(own);
            if (why is null)
            {
                return (Path.Combine(own, JobKey(jobDirectory)), null);
            }

            passedOver.Add(why);
        }

        return (jobDirectory, $"no memory-backed filesystem for the build's secret files ({(passedOver.Count == 0 ? "none to look at" : string.Join("; ", passedOver))}), "
            + "so they are written in the job directory, on disk, until the build, post or the cleanup after the job removes them");
    }

    public Task<IReadOnlyList<string>> RemoveLeftoversAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        cancellationToken.ThrowIfCancellationRequested();
        var removed = new List<string>();
        foreach (var parent in _memoryParents)
        {
            var own = Path.Combine(parent, _ownName);
            // Another user's or a link: nothing of ours can be in it, and nothing is deleted through it.
            if (Directory.Exists(own) && Untrusted(own) is null)
            {
                Remove(Path.Combine(own, JobKey(jobDirectory)), removed);
            }
        }

        if (Directory.Exists(jobDirectory) && new DirectoryInfo(jobDirectory).LinkTarget is null)
        {
            foreach (var build in Directory.EnumerateDirectories(jobDirectory, BuildTemporaryFiles.Prefix + "*"))
            {
                Remove(build, removed);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(removed);
    }

    /// <summary>The name of a job's directory: a hash of its job directory, which names no one and collides with no other.</summary>
    internal static string JobKey(string jobDirectory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobDirectory));
        return "job-" + NameHash.Sha256Hex(full)[..24];
    }

    private async Task<string?> NotMemoryBackedAsync(string parent, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(parent))
        {
            return $"{parent} does not exist";
        }

        IReadOnlyList<MountInfoEntry> mounts;
        try
        {
            mounts = await MountInfo.ReadAsync(_mountInfoPath, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return $"cannot tell what {parent} is on: {ex.Message}";
        }

        var canonical = LinuxBlockDevice.Canonical(parent);
        // The mount that holds the path: the longest mount point it is in, and of those the one mounted last (on top).
        var holding = mounts
            .Select((entry, order) => (Entry: entry, Order: order))
            .Where(m => canonical == m.Entry.MountPoint || canonical.StartsWith(m.Entry.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Entry.MountPoint.Length)
            .ThenByDescending(m => m.Order)
            .Select(m => m.Entry)
            .FirstOrDefault();
        return holding is null ? $"{parent} is on no mount this process can see"
            : MemoryFilesystems.Contains(holding.FilesystemType, StringComparer.Ordinal) ? null
            : $"{parent} is on {holding.FilesystemType}, not in memory";
    }

    /// <summary>Creates <paramref name="own"/> as 0700 when missing; why it cannot be used, or null.</summary>
    private static string? MakeOwn(string own)
    {
        try
        {
            if (!Directory.Exists(own) && !File.Exists(own) && new DirectoryInfo(own).LinkTarget is null)
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(own);
                }
                else
                {
                    Directory.CreateDirectory(own, UnixFiles.PrivateDirectory);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{own} cannot be created: {ex.Message}";
        }

        return Untrusted(own);
    }

    /// <summary>
    /// Why <paramref name="own"/> is not this user's private directory (a link, not a directory, another user's, open to
    /// others), or null. In a directory every user can write to, such as /dev/shm, anyone could have made it first.
    /// </summary>
    private static string? Untrusted(string own)
    {
        var info = new DirectoryInfo(own);
        if (info.LinkTarget is { } target)
        {
            return $"{own} is a symbolic link (to {target})";
        }

        if (!info.Exists)
        {
            return $"{own} is not a directory";
        }

        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var me = Libc.GetEffectiveUserId();
        if (UnixFiles.TryGetOwner(own, out var uid, out _, ofLink: true) && uid != me)
        {
            return $"{own} belongs to uid {uid}, not to this user (uid {me})";
        }

        var mode = File.GetUnixFileMode(own);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & others) != 0 ? $"{own} is open to other users ({mode})" : null;
    }

    private static void Remove(string directory, List<string> removed)
    {
        try
        {
            if (new DirectoryInfo(directory).LinkTarget is not null)
            {
                File.Delete(directory);
                removed.Add(directory);
            }
            else if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException("buildsecrets.remove", ExternalErrorKind.Failed, $"could not remove {directory}: {ex.Message}", ex);
        }
    }
}
