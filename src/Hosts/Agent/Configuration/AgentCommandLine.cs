using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Blacksmith.Hosts.Flags;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.LocalStore;

namespace Blacksmith.Agent.Configuration;

/// <summary>
/// The agent's flags, each with an environment variable it falls back to. The token itself is never a flag: argv is
/// readable by every user of the machine (<c>/proc/PID/cmdline</c>), so it comes from a file or the environment.
/// </summary>
public sealed class AgentCommandLine
{
    public const string ListenVariable = "BLACKSMITH_AGENT_LISTEN";
    public const string TokenVariable = "BLACKSMITH_AGENT_TOKEN";
    public const string TokenFileVariable = "BLACKSMITH_AGENT_TOKEN_FILE";
    public const string TlsCertificateVariable = "BLACKSMITH_AGENT_TLS_CERT";
    public const string TlsKeyVariable = "BLACKSMITH_AGENT_TLS_KEY";
    public const string ExposureLeaseVariable = "BLACKSMITH_AGENT_EXPOSURE_LEASE";
    public const string LeaseCheckIntervalVariable = "BLACKSMITH_AGENT_LEASE_CHECK_INTERVAL";
    public const string MetricsListenVariable = "BLACKSMITH_AGENT_METRICS_LISTEN";

    /// <summary>The port of a <c>--metrics-listen</c> address given without one: the API's 5557 in the exporters' 9xxx range.</summary>
    public const int DefaultMetricsPort = 9557;

    /// <summary>The lease of an exposure when none is configured: GitHub's own limit on a job's run time.</summary>
    public static readonly TimeSpan DefaultExposureLease = TimeSpan.FromHours(6);

    /// <summary>How often leases are checked when nothing else is configured.</summary>
    public static readonly TimeSpan DefaultLeaseCheckInterval = TimeSpan.FromMinutes(5);

    public const string BackendVariable = "BLACKSMITH_AGENT_BACKEND";
    public const string CephConfigVariable = "BLACKSMITH_CEPH_CONF";
    public const string CephKeyringVariable = "BLACKSMITH_CEPH_KEYRING";
    public const string CephUserVariable = "BLACKSMITH_CEPH_USER";
    public const string CephPoolVariable = "BLACKSMITH_CEPH_POOL";
    public const string CephNamespaceVariable = "BLACKSMITH_CEPH_NAMESPACE";
    public const string CephAttachVariable = "BLACKSMITH_CEPH_ATTACH";

    private const long GiB = 1024L * 1024 * 1024;

    private readonly Option<string[]> _listen = new("--listen")
    {
        Description = $"An address to listen on, ADDRESS:PORT with an IP address of this machine or localhost (repeatable). Default: {ListenVariable} "
            + $"(comma-separated), else {ListenEndpoint.Default}. Anything but loopback requires a token.",
        HelpName = "address",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string?> _dataDirectory = new("--data-dir")
    {
        Recursive = true,
        Description = $"The store's data directory. Default: {LocalStoreOptions.DataDirectoryVariable}, else {LocalStoreOptions.SystemDataDirectory} for root, "
            + "else $XDG_DATA_HOME/blacksmith (~/.local/share/blacksmith).",
        HelpName = "dir",
    };

    private readonly Option<string?> _tokenFile = new("--token-file")
    {
        Description = $"A file holding the bearer token clients must send (mode 0600). Default: {TokenFileVariable}; else the token itself in {TokenVariable}. "
            + "The token is never a flag: any local user can read a process's flags in /proc/<pid>/cmdline.",
        HelpName = "file",
    };

    private readonly Option<string?> _tlsCertificate = new("--tls-cert")
    {
        Description = $"A PEM certificate (chain) to serve TLS with. Default: {TlsCertificateVariable}, else none: the agent speaks cleartext HTTP/2.",
        HelpName = "file",
    };

    private readonly Option<string?> _tlsKey = new("--tls-key")
    {
        Description = $"The PEM private key of --tls-cert. Default: {TlsKeyVariable}, else the key in the certificate file.",
        HelpName = "file",
    };

    private readonly Option<LocalStoreMode> _mode = new("--store-mode")
    {
        Description = "How the store keeps disks: Auto (loop devices when root and /dev/loop-control exists, else directories), LoopDevice, or "
            + "Directory. Default: Auto. Flag only.",
        DefaultValueFactory = _ => LocalStoreMode.Auto,
        CustomParser = StoreMode,
    };

    private readonly Option<string?> _backend = new("--backend")
    {
        Recursive = true,
        Description = $"Where the sticky disks live: local (this host's data directory; the default) or ceph (RBD images in a Ceph pool shared by "
            + $"every runner host's agent). Default: {BackendVariable}, else local. Not the engine's --store, which picks the agent or the embedded store.",
        HelpName = "local|ceph",
    };

    private readonly Option<string?> _cephConfig = new("--ceph-conf")
    {
        Recursive = true,
        Description = $"With --backend ceph: the cluster's ceph.conf, naming its monitors (mon host); given to every Ceph call. Required. "
            + $"Default: {CephConfigVariable}.",
        HelpName = "file",
    };

    private readonly Option<string?> _cephKeyring = new("--ceph-keyring")
    {
        Recursive = true,
        Description = $"With --backend ceph: the keyring of --ceph-user (mode 0600). Default: {CephKeyringVariable}, else the keyring ceph.conf names.",
        HelpName = "file",
    };

    private readonly Option<string?> _cephUser = new("--ceph-user")
    {
        Recursive = true,
        Description = $"With --backend ceph: the Ceph user, without 'client.'. Default: {CephUserVariable}, else admin.",
        HelpName = "name",
    };

    private readonly Option<string?> _cephPool = new("--ceph-pool")
    {
        Recursive = true,
        Description = $"With --backend ceph: the RBD pool (rbd pool init). Required. Default: {CephPoolVariable}.",
        HelpName = "pool",
    };

    private readonly Option<string?> _cephNamespace = new("--ceph-namespace")
    {
        Recursive = true,
        Description = $"With --backend ceph: an RBD namespace of the pool (rbd namespace create), to share one pool among fleets. "
            + $"Default: {CephNamespaceVariable}, else the pool's default namespace.",
        HelpName = "namespace",
    };

    private readonly Option<string?> _cephAttach = new("--ceph-attach")
    {
        Recursive = true,
        Description = $"With --backend ceph: how an image becomes a block device here: krbd (rbd device map --exclusive), rbd-fuse (rbd-fuse and a "
            + $"loop device, where the kernel has no rbd module), or auto (krbd when /sys/bus/rbd exists). Default: {CephAttachVariable}, else auto.",
        HelpName = "auto|krbd|rbd-fuse",
    };

    private readonly Option<int?> _diskSize = new("--disk-size-gib")
    {
        Recursive = true,
        Description = "The size of a new sticky disk, in GiB (images are sparse), a whole number from 1. Default: 20. Flag only.",
        HelpName = "GiB",
        CustomParser = WholeNumber,
    };

    private readonly Option<int?> _generations = new("--generations")
    {
        Recursive = true,
        Description = "Committed generations kept per key, a whole number from 1. Default: 2. Flag only.",
        HelpName = "count",
        CustomParser = WholeNumber,
    };

    private readonly Option<int?> _sizeCap = new("--size-cap-gib")
    {
        Recursive = true,
        Description = "The most all committed generations may occupy, in GiB; past it the least recently used keys are evicted. Default: no cap. "
            + "Flag only.",
        HelpName = "GiB",
        CustomParser = WholeNumber,
    };

    private readonly Option<int> _shutdownSeconds = new("--shutdown-timeout")
    {
        Description = "Seconds a stop (SIGTERM, SIGINT) waits for calls in flight, commits above all, before giving up on them. Default: 300. "
            + "Flag only.",
        HelpName = "seconds",
        DefaultValueFactory = _ => 300,
        CustomParser = result => WholeNumber(result) ?? 0,
    };

    private readonly Option<string?> _exposureLease = new("--exposure-lease")
    {
        Description = "How long an exposure may stay unsettled: once it is older, the agent releases it (never commits it) as soon as nothing on "
            + "this host mounts its device or holds it open. Set it above the longest job. A whole number of s, m, h or d (at least 1 minute), "
            + $"e.g. 6h, 2d. Default: {ExposureLeaseVariable}, else 6h.",
        HelpName = "duration",
    };

    private readonly Option<string?> _leaseCheckInterval = new("--lease-check-interval")
    {
        Description = $"How often the agent checks the leases of its exposures: a whole number of s, m, h or d, e.g. 5m. Default: {LeaseCheckIntervalVariable}, "
            + "else 5m.",
        HelpName = "duration",
    };

    private readonly Option<string?> _metricsListen = new("--metrics-listen")
    {
        Description = $"Serve /metrics in the Prometheus format on this address, ADDRESS:PORT (a bare address: port {DefaultMetricsPort}), over plain "
            + $"HTTP/1.1 and apart from the API. Loopback only unless --metrics-allow-remote. Default: {MetricsListenVariable}, else no metrics.",
        HelpName = "address",
    };

    private readonly Option<bool> _metricsAllowRemote = new("--metrics-allow-remote")
    {
        Description = "Let --metrics-listen be an address beyond loopback: whoever reaches it reads the metrics (counts and times, no keys, no token). "
            + "Default: off. Flag only.",
    };

    private readonly Option<bool> _verbose = new("--verbose", "-v")
    {
        Recursive = true,
        Description = "Log debug events too, and print the stack trace of an internal error. Default: off. Flag only.",
    };

    /// <summary>The flags, on a root command whose action the program sets, and the <c>store</c> verbs.</summary>
    public RootCommand Command { get; }

    /// <summary><c>store ls</c>: the Ceph store's keys, generations and open exposures.</summary>
    public Command StoreList { get; } = new("ls", "List the keys in the cluster (generations, chain depth, who committed) and the exposures not settled, of every host.");

    /// <summary><c>store rm KEY</c>.</summary>
    public Command StoreRemove { get; }

    /// <summary><c>store gc</c>.</summary>
    public Command StoreCollect { get; }

    /// <summary>The key of <c>store rm</c>.</summary>
    public Argument<string> StoreKey { get; } = new("key") { Description = "The cache key whose generations to delete, as store ls shows it." };

    /// <summary><c>store gc --keep</c>.</summary>
    public Option<int?> Keep { get; } = new("--keep")
    {
        Description = "Prune each key to this many generations (the newest included), a whole number from 1. Default: prune nothing. Flag only.",
        HelpName = "count",
        CustomParser = WholeNumber,
    };

    /// <summary><c>store gc --abandoned-after</c>.</summary>
    public Option<string?> AbandonedAfter { get; } = new("--abandoned-after")
    {
        Description = "Also release this host's exposures handed out longer ago than this whose device is not mounted: a whole number of s, m, h or d, "
            + "e.g. 24h. Default: keep them. Flag only.",
        HelpName = "age",
    };

    public AgentCommandLine()
    {
        Command = new RootCommand(
            "blacksmith-agent: serves stickydisk.v1.StickyDiskService over gRPC from a sticky-disk store, local or on a Ceph cluster shared by every "
            + "runner host's agent, for CI runners on this host (point them at it with BLACKSMITH_AGENT_ADDRESS).")
        {
            _listen, _dataDirectory, _tokenFile, _tlsCertificate, _tlsKey, _backend, _cephConfig, _cephKeyring, _cephUser, _cephPool, _cephNamespace,
            _cephAttach, _mode, _diskSize, _generations, _sizeCap, _exposureLease, _leaseCheckInterval, _metricsListen, _metricsAllowRemote,
            _shutdownSeconds, _verbose,
        };
        StoreRemove = new Command("rm", "Delete every generation of a key from the cluster; exposures already handed out keep their clones.") { StoreKey };
        StoreCollect = new Command("gc", "Flatten deep heads, remove images nothing needs, and, when asked, prune, evict over --size-cap-gib, release abandoned exposures.")
        {
            Keep, AbandonedAfter,
        };
        // Replaced by the program's; with a subcommand beside it, a root without an action would be "required command not provided".
        Command.SetAction(_ => 0);
        Command.Add(new Command("store", "Administer the Ceph store (--backend ceph) from any fleet host, beside its running agent; the local store is administered with blacksmith store.")
        {
            StoreList, StoreRemove, StoreCollect,
        });
    }

    /// <summary>
    /// The settings the parsed flags and the environment give. Files named (the token file) are read here, so that
    /// a missing one is a configuration error rather than a failed call later.
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="environment">Reads one environment variable (null: unset; empty counts as unset).</param>
    /// <param name="isRoot">Whether the agent runs as root, which picks the default data directory.</param>
    /// <param name="warnings">Told about configurations that work but deserve a look (a token file others can read).</param>
    /// <exception cref="AgentConfigurationException">A value is unusable.</exception>
    public AgentSettings Read(ParseResult parse, Func<string, string?> environment, bool isRoot, Action<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(warnings);
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        var listen = parse.GetValue(_listen) is { Length: > 0 } flags
            ? flags
            : Read(ListenVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        IReadOnlyList<ListenEndpoint> endpoints;
        try
        {
            endpoints = listen.Length == 0 ? [ListenEndpoint.Default] : listen.Select(ListenEndpoint.Parse).ToList();
        }
        catch (FormatException ex)
        {
            throw new AgentConfigurationException(ex.Message, ex);
        }

        var store = new LocalStoreOptions(parse.GetValue(_dataDirectory) ?? LocalStoreOptions.DefaultDataDirectory(environment, isRoot))
        {
            Mode = parse.GetValue(_mode),
            ExposureLease = Duration(parse.GetValue(_exposureLease), "--exposure-lease", Read(ExposureLeaseVariable), ExposureLeaseVariable) ?? DefaultExposureLease,
        };
        if (parse.GetValue(_diskSize) is { } diskSize)
        {
            store = store with { DiskSizeBytes = Positive(diskSize, "--disk-size-gib") * GiB };
        }

        if (parse.GetValue(_generations) is { } generations)
        {
            store = store with { GenerationsKept = Positive(generations, "--generations") };
        }

        if (parse.GetValue(_sizeCap) is { } sizeCap)
        {
            store = store with { TotalSizeCapBytes = Positive(sizeCap, "--size-cap-gib") * GiB };
        }

        var backend = (parse.GetValue(_backend) ?? Read(BackendVariable) ?? "local").ToLowerInvariant() switch
        {
            "local" => AgentBackend.Local,
            "ceph" => AgentBackend.Ceph,
            var other => throw new AgentConfigurationException($"--backend must be local or ceph, not '{other}'"),
        };
        var ceph = backend == AgentBackend.Ceph ? ReadCeph(parse, Read, store) : null;
        if (backend == AgentBackend.Local
            && new Option[] { _cephConfig, _cephKeyring, _cephUser, _cephPool, _cephNamespace, _cephAttach }.FirstOrDefault(o => parse.GetResult(o) is not null) is { } stray)
        {
            throw new AgentConfigurationException($"{stray.Name} applies to --backend ceph only; add --backend ceph, or drop it");
        }

        return new AgentSettings
        {
            Store = store,
            Backend = backend,
            Ceph = ceph,
            Listen = endpoints,
            Token = ReadToken(parse.GetValue(_tokenFile) ?? Read(TokenFileVariable), Read(TokenVariable), warnings),
            TlsCertificatePath = parse.GetValue(_tlsCertificate) ?? Read(TlsCertificateVariable),
            TlsKeyPath = parse.GetValue(_tlsKey) ?? Read(TlsKeyVariable),
            ShutdownTimeout = TimeSpan.FromSeconds(Positive(parse.GetValue(_shutdownSeconds), "--shutdown-timeout")),
            LeaseCheckInterval = Duration(parse.GetValue(_leaseCheckInterval), "--lease-check-interval", Read(LeaseCheckIntervalVariable), LeaseCheckIntervalVariable)
                ?? DefaultLeaseCheckInterval,
            MetricsListen = MetricsListen(parse.GetValue(_metricsListen), Read(MetricsListenVariable)),
            MetricsAllowRemote = parse.GetValue(_metricsAllowRemote),
            Verbose = parse.GetValue(_verbose),
        };
    }

    /// <summary>A whole number of seconds, minutes, hours or days (<c>90m</c>, <c>6h</c>, <c>2d</c>), from the flag or else its variable.</summary>
    private static TimeSpan? Duration(string? flag, string flagName, string? variable, string variableName)
    {
        if ((flag ?? variable) is not { } text)
        {
            return null;
        }

        if (WholeDuration.TryParse(text, out var duration, out var tooLong))
        {
            return duration;
        }

        var source = flag is null ? variableName : flagName;
        throw new AgentConfigurationException(tooLong
            ? TooLong(source, text)
            : $"{source} must be a whole number of s, m, h or d (e.g. 6h, 5m), not '{text}'");
    }

    /// <summary>What is said of a duration longer than any: <paramref name="source"/> names the flag or variable.</summary>
    internal static string TooLong(string source, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"{source} is too long to be a duration (at most {WholeDuration.MaxDays}d), not '{text}'");

    private static ListenEndpoint? MetricsListen(string? flag, string? variable)
    {
        if ((flag ?? variable) is not { } text)
        {
            return null;
        }

        try
        {
            return ListenEndpoint.Parse(text, DefaultMetricsPort);
        }
        catch (FormatException ex)
        {
            throw new AgentConfigurationException($"{(flag is null ? MetricsListenVariable : "--metrics-listen")}: {ex.Message}", ex);
        }
    }

    private CephStoreOptions ReadCeph(ParseResult parse, Func<string, string?> read, LocalStoreOptions store)
    {
        var config = parse.GetValue(_cephConfig) ?? read(CephConfigVariable)
            ?? throw new AgentConfigurationException($"--backend ceph needs the cluster's ceph.conf: --ceph-conf FILE or {CephConfigVariable}");
        var pool = parse.GetValue(_cephPool) ?? read(CephPoolVariable)
            ?? throw new AgentConfigurationException($"--backend ceph needs the RBD pool: --ceph-pool POOL or {CephPoolVariable}");
        if (!File.Exists(config))
        {
            throw new AgentConfigurationException($"the Ceph config file {config} does not exist (--ceph-conf)");
        }

        var keyring = parse.GetValue(_cephKeyring) ?? read(CephKeyringVariable);
        if (keyring is not null && !File.Exists(keyring))
        {
            throw new AgentConfigurationException($"the Ceph keyring {keyring} does not exist (--ceph-keyring)");
        }

        var attach = (parse.GetValue(_cephAttach) ?? read(CephAttachVariable) ?? "auto").ToLowerInvariant() switch
        {
            "auto" => CephAttachMode.Auto,
            "krbd" => CephAttachMode.Krbd,
            "rbd-fuse" => CephAttachMode.RbdFuse,
            var other => throw new AgentConfigurationException($"--ceph-attach must be auto, krbd or rbd-fuse, not '{other}'"),
        };
        var user = parse.GetValue(_cephUser) ?? read(CephUserVariable) ?? "admin";
        if (user.StartsWith("client.", StringComparison.Ordinal))
        {
            user = user["client.".Length..];
        }

        return new CephStoreOptions(Path.GetFullPath(config), pool, store.DataDirectory)
        {
            Keyring = keyring is null ? null : Path.GetFullPath(keyring),
            User = user,
            Namespace = parse.GetValue(_cephNamespace) ?? read(CephNamespaceVariable),
            Attach = attach,
            DiskSizeBytes = store.DiskSizeBytes,
            GenerationsKept = store.GenerationsKept,
            TotalSizeCapBytes = store.TotalSizeCapBytes,
            ExposureLease = store.ExposureLease,
        };
    }

    private static string? ReadToken(string? file, string? variable, Action<string> warnings)
    {
        if (file is null)
        {
            return variable;
        }

        if (variable is not null)
        {
            throw new AgentConfigurationException($"both a token file and {TokenVariable} are set; keep one, so that it is clear which token is in force");
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigurationException($"cannot read the token file {file}: {ex.Message}", ex);
        }

        if (OperatingSystem.IsLinux() && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            warnings($"the token file {file} can be read by other users; make it 0600 (or 0400)");
        }

        // A trailing newline is how editors and `echo` leave a one-line file; it is not part of the token.
        var token = text.TrimEnd('\r', '\n');
        return token.Length > 0 ? token : throw new AgentConfigurationException($"the token file {file} is empty");
    }

    // System.CommandLine's own messages name .NET types (System.Nullable`1[System.Int32]); these say it in words.
    private static int? WholeNumber(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{OptionName(result)} must be a whole number, not '{text}'.");
        return null;
    }

    private static LocalStoreMode StoreMode(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[^1].Value;
        if (Enum.TryParse<LocalStoreMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _))
        {
            return mode;
        }

        result.AddError($"{OptionName(result)} must be Auto, LoopDevice or Directory, not '{text}'.");
        return LocalStoreMode.Auto;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : "the value";

    private static int Positive(int value, string flag) =>
        value > 0 ? value : throw new AgentConfigurationException(string.Create(CultureInfo.InvariantCulture, $"{flag} must be a positive number, not {value}"));
}
