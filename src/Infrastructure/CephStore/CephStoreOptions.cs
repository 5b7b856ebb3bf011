namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// Where the Ceph store keeps its generations (a pool, and optionally a namespace of it, on one cluster) and how it
/// reaches the cluster (docs/agent.md, "The Ceph backend"). Every Ceph call is given <see cref="ConfigFile"/>, so that no
/// client ever looks for monitors on its own (in DNS).
/// </summary>
/// <param name="ConfigFile">The cluster's <c>ceph.conf</c>, which must name the monitors (<c>mon host</c>).</param>
/// <param name="Pool">The RBD pool (initialised with <c>rbd pool init</c>).</param>
/// <param name="DataDirectory">This host's own directory: attachments (FUSE mount points) and the lock that makes one agent per host's store.</param>
public sealed record CephStoreOptions(string ConfigFile, string Pool, string DataDirectory)
{
    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>The deepest clone chain a head may have before it is flattened; krbd refuses chains longer than 16.</summary>
    public const int MaxFlattenDepth = 15;

    /// <summary>The Ceph user, without <c>client.</c>.</summary>
    public string User { get; init; } = "admin";

    /// <summary>The user's keyring; null: the one the config file names.</summary>
    public string? Keyring { get; init; }

    /// <summary>An RBD namespace of <see cref="Pool"/> (it must exist: <c>rbd namespace create</c>); null: the pool's default namespace.</summary>
    public string? Namespace { get; init; }

    public CephAttachMode Attach { get; init; } = CephAttachMode.Auto;

    /// <summary>The size of a new image (thin-provisioned: nothing is allocated until written).</summary>
    public long DiskSizeBytes { get; init; } = 20 * GiB;

    /// <summary>How many committed generations each key keeps (the newest is the one exposed); at least 1.</summary>
    public int GenerationsKept { get; init; } = 2;

    /// <summary>The most the images of all keys may use (<c>rbd du</c>); past it, least recently used keys are evicted. Null: no cap.</summary>
    public long? TotalSizeCapBytes { get; init; }

    /// <summary>A new head whose clone chain is deeper than this is flattened in the background (1 to <see cref="MaxFlattenDepth"/>).</summary>
    public int FlattenDepth { get; init; } = 4;

    /// <summary>
    /// The bound of one Ceph call's connection and of each of its requests (<c>client_mount_timeout</c>,
    /// <c>rados_mon_op_timeout</c>, <c>rados_osd_op_timeout</c>): an unreachable or stuck cluster fails the call as
    /// unavailable after this, well within setup's 45 s expose deadline. Slow steps (flatten, removal of a large image)
    /// get <see cref="SlowCallTimeout"/> for the whole call.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Flatten and the removal of a large image: proportional to the data, so bounded more loosely.</summary>
    public TimeSpan SlowCallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a release keeps retrying the removal of an image that a crashed client still watches: past the
    /// cluster's <c>osd_client_watch_timeout</c> (30 s by default).
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>
    /// How long an exposure may stay unsettled before the agent's lease check may release it (never commit it), once
    /// nothing on this host uses its device. Null: exposures have no lease and only their job or an administrator settles them.
    /// </summary>
    public TimeSpan? ExposureLease { get; init; }

    /// <summary>Who asks for exposures (the engine gives the job directory in embedded use); recorded with each. Null: not recorded.</summary>
    public string? Holder { get; init; }

    /// <summary>
    /// This store's name in the cluster's exposure records: which host's agent holds an attachment. Default: the
    /// machine's name and the data directory, so two agents on one machine (tests) are two names.
    /// </summary>
    public string? AgentName { get; init; }

    /// <summary>
    /// TEST ONLY: reports each step of an expose, commit or release (<c>ceph:&lt;step&gt;</c>, e.g. <c>ceph:CommitSnapshotted</c>)
    /// to the crash tests, which kill the agent there as a crash would. Null: none.
    /// </summary>
    public Orchestration.Ports.IFailpoints? Failpoints { get; init; }

    /// <summary>The name recorded as an exposure's agent.</summary>
    public string EffectiveAgentName => AgentName ?? $"{Environment.MachineName}:{Path.GetFullPath(DataDirectory)}";
}
