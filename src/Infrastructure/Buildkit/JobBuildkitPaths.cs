using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>
/// A job's own BuildKit root and daemon address, derived from its job directory, so that jobs running at the same time
/// on one machine never share either (docs/ci.md, "The BuildKit root and address"). No hash is involved: the root is
/// named by the job directory's path itself, encoded, and the address is a socket in the job directory or, when that
/// path is too long, one named by the job directory's device and inode. Both are unique among the directories that
/// exist at once, and the job directories of concurrent jobs are distinct by construction.
/// </summary>
public static class JobBuildkitPaths
{
    /// <summary>Where root keeps the jobs' BuildKit roots: next to the local store's default data directory, off tmpfs.</summary>
    public const string SystemRootsDirectory = "/var/lib/blacksmith/roots";

    /// <summary>The daemon's socket in the job directory.</summary>
    public const string SocketFileName = "buildkitd.sock";

    /// <summary>NAME_MAX: the longest file name Linux filesystems take, in bytes.</summary>
    public const int MaxRootNameBytes = 255;

    /// <summary>
    /// The longest socket path buildkitd listens on. Linux takes 107 bytes, but buildkitd creates its socket through
    /// containerd's <c>sys.CreateUnixSocket</c>, which refuses anything over 104 (the BSDs' limit).
    /// </summary>
    public const int MaxSocketPathBytes = 104;

    private const string RootsName = "roots";
    private const string SocketsName = "sockets";

    /// <summary>
    /// <see cref="SystemRootsDirectory"/> as root; otherwise <c>roots</c> in the user's <see cref="RuntimeDirectory"/>.
    /// Never under the job directory: on GitHub the runner empties <c>RUNNER_TEMP</c> at the start of every job, and
    /// that must never recurse into a disk a killed job left mounted.
    /// </summary>
    public static string RootsDirectory(Func<string, string?> environment, bool isRoot) =>
        isRoot ? SystemRootsDirectory : Path.Combine(RuntimeDirectory.ForUser(environment), RootsName);

    /// <summary>Where the sockets of job directories with long paths go: <c>sockets</c> beside the roots directory.</summary>
    public static string SocketsDirectory(string rootsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootsDirectory);
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootsDirectory)));
        return Path.Combine(parent ?? "/", SocketsName);
    }

    /// <summary>
    /// The job directory's absolute path as one file name: every byte of its UTF-8 form outside <c>[A-Za-z0-9._-]</c>
    /// becomes <c>%XX</c>. Injective (<c>%</c> itself is encoded), and never <c>.</c> or <c>..</c> (a path starts with
    /// <c>/</c>, which becomes <c>%2F</c>).
    /// </summary>
    public static string RootName(string jobDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobDirectory));
        var name = new StringBuilder(path.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                name.Append(c);
            }
            else
            {
                name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return name.ToString();
    }

    /// <summary>
    /// <c>&lt;roots directory&gt;/&lt;<see cref="RootName"/>&gt;</c>, or null with the reason when the name is longer
    /// than a file name may be.
    /// </summary>
    public static string? Root(string rootsDirectory, string jobDirectory, out string? problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootsDirectory);
        var name = RootName(jobDirectory);
        if (name.Length > MaxRootNameBytes)
        {
            problem = string.Create(
                CultureInfo.InvariantCulture,
                $"the job directory's path is too long to name its BuildKit root under {rootsDirectory} ({name.Length} bytes encoded, at most {MaxRootNameBytes})");
            return null;
        }

        problem = null;
        return Path.Combine(rootsDirectory, name);
    }

    /// <summary>
    /// <c>unix://&lt;job dir&gt;/buildkitd.sock</c> when that path fits a socket and needs no escaping in a URL;
    /// otherwise <c>unix://&lt;sockets directory&gt;/&lt;major&gt;.&lt;minor&gt;-&lt;inode&gt;.sock</c>, named by the job
    /// directory's device and inode (it must exist). Null with the reason when neither works.
    /// </summary>
    public static string? Address(string jobDirectory, string socketsDirectory, out string? problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(socketsDirectory);
        var inJob = Path.Combine(Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobDirectory)), SocketFileName);
        if (Fits(inJob))
        {
            problem = null;
            return "unix://" + inJob;
        }

        if (!OperatingSystem.IsLinux()
            || Libc.Statx(Libc.AtCurrentDirectory, jobDirectory, 0, Libc.StatxInode, out var status) != 0
            || (status.Mask & Libc.StatxInode) == 0)
        {
            problem = $"{inJob} is too long for a socket, and the job directory's device and inode, which would name one in {socketsDirectory}, cannot be read";
            return null;
        }

        var byIdentity = Path.Combine(
            Path.GetFullPath(socketsDirectory),
            string.Create(CultureInfo.InvariantCulture, $"{status.FilesystemMajor}.{status.FilesystemMinor}-{status.Inode}.sock"));
        if (Fits(byIdentity))
        {
            problem = null;
            return "unix://" + byIdentity;
        }

        problem = string.Create(
            CultureInfo.InvariantCulture,
            $"neither {inJob} nor {byIdentity} can be a socket: buildkitd takes socket paths of at most {MaxSocketPathBytes} bytes made of letters, digits and / . _ - + @ , = ~ :");
        return null;
    }

    /// <summary>
    /// Whether the engine can run and check a daemon at <paramref name="address"/>: <c>tcp://host:port</c>, or
    /// <c>unix://</c> with an absolute path (a relative one would depend on each process's working directory).
    /// </summary>
    public static bool IsSupportedAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return DaemonAddress.UnixSocketPath(address) is not null
            || (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Host.Length > 0 && uri.Port > 0);
    }

    // Short enough for buildkitd, and nothing a URL parser would read as an escape, a query or a fragment: buildx parses
    // the endpoint as a URL, while buildkitd and buildctl take the text after unix:// as it is.
    private static bool Fits(string path) =>
        Encoding.UTF8.GetByteCount(path) <= MaxSocketPathBytes
        && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or '@' or ',' or '=' or '~' or ':');
}
