using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>Where and how the local sticky-disk store keeps its generations (docs/local-store.md).</summary>
/// <param name="DataDirectory">The store's root: keys, clones and exposure records live under it, on one filesystem.</param>
public sealed record LocalStoreOptions(string DataDirectory)
{
    /// <summary>The variable that names the data directory when no flag does.</summary>
    public const string DataDirectoryVariable = "BLACKSMITH_DATA_DIR";

    /// <summary>The data directory when root, where system services keep their state.</summary>
    public const string SystemDataDirectory = "/var/lib/blacksmith";

    private const long GiB = 1024L * 1024 * 1024;

    public LocalStoreMode Mode { get; init; } = LocalStoreMode.Auto;

    /// <summary>
    /// Who asks for exposures (the engine gives the job directory): recorded with each exposure before it is made, so
    /// that one whose expose returned to a job killed before it could journal the id is still found by that job's post
    /// or by the cleanup after it (<see cref="LocalStickyDiskStore.FindExposuresAsync"/>). Null: not recorded.
    /// </summary>
    public string? Holder { get; init; }

    /// <summary>
    /// The lease each exposure is granted when handed out, recorded with it: once it has run out, whoever serves the
    /// store (<c>blacksmith-agent</c>) releases the exposure if nothing on the host uses its device (docs/agent.md,
    /// "Leases"). Null: no lease, for the embedded store, whose exposures their job's claim settles (docs/leftovers.md).
    /// </summary>
    public TimeSpan? ExposureLease { get; init; }

    /// <summary>
    /// The size of a new image, and the size an older, smaller generation's clone is grown to (the mount step then
    /// grows its ext4). Images are sparse, so this costs nothing until written; it is never used to shrink one.
    /// Unused in directory mode.
    /// </summary>
    public long DiskSizeBytes { get; init; } = 20 * GiB;

    /// <summary>How many committed generations each key keeps (the newest is the one exposed); at least 1.</summary>
    public int GenerationsKept { get; init; } = 2;

    /// <summary>
    /// The most the committed generations of all keys may occupy (allocated bytes). Past it, each commit evicts whole
    /// keys, least recently used first. Null: no cap.
    /// </summary>
    public long? TotalSizeCapBytes { get; init; }

    /// <summary>
    /// TEST ONLY: reports each step of an expose, commit or release (<c>store:&lt;step&gt;</c>, e.g. <c>store:ExposeAttached</c>)
    /// to the kill-point tests, which stop the process there as a crash would (docs/end-to-end-tests.md). Null: none.
    /// </summary>
    public IFailpoints? Failpoints { get; init; }

    /// <summary>How long one operation waits for the store's lock, held by another process for a short bookkeeping step.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>losetup</c> and <c>blockdev</c>: each a few system calls, bounded against a hung device.</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>cp -a</c> of a directory-mode generation: proportional to the cache's size without reflinks.</summary>
    public TimeSpan CopyTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The documented default: <see cref="DataDirectoryVariable"/> when set; else <see cref="SystemDataDirectory"/>
    /// when root; else <c>$XDG_DATA_HOME/blacksmith</c>, or <c>~/.local/share/blacksmith</c> without XDG_DATA_HOME.
    /// </summary>
    public static string DefaultDataDirectory(Func<string, string?> environment, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(DataDirectoryVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        if (isRoot)
        {
            return SystemDataDirectory;
        }

        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, "blacksmith");
        }

        var home = environment("HOME") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "blacksmith");
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(DiskSizeBytes, 1024L * 1024, nameof(DiskSizeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(GenerationsKept, 1, nameof(GenerationsKept));
        if (TotalSizeCapBytes is { } cap)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(cap, nameof(TotalSizeCapBytes));
        }

        if (ExposureLease is { } lease)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero, nameof(ExposureLease));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockTimeout, TimeSpan.Zero, nameof(LockTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ToolTimeout, TimeSpan.Zero, nameof(ToolTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CopyTimeout, TimeSpan.Zero, nameof(CopyTimeout));
    }
}
