namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>How this host runs buildkitd and buildctl.</summary>
public sealed class BuildkitOptions
{
    /// <summary>The address setup-docker-builder has always used.</summary>
    public const string DefaultAddress = "tcp://127.0.0.1:1234";

    /// <summary>buildkitd (a path, or a name looked up on <see cref="SearchPath"/>).</summary>
    public string BuildkitdPath { get; set; } = "buildkitd";

    /// <summary>buildctl (a path, or a name looked up on <see cref="SearchPath"/>).</summary>
    public string BuildctlPath { get; set; } = "buildctl";

    /// <summary>The PATH the tools (and sudo, kill, mv) are found on; this process's PATH when null.</summary>
    public string? SearchPath { get; set; }

    /// <summary>A Docker Hub mirror (agent mode), e.g. <c>http://192.168.127.1:5000</c>; no registry section when null.</summary>
    public string? RegistryMirror { get; set; }

    /// <summary>The OCI worker's garbage collection keeps cache records used within this Go duration.</summary>
    public string GcKeepDuration { get; set; } = "192h";

    /// <summary>How many build steps run at once; the machine's CPU count when null.</summary>
    public int? MaxParallelism { get; set; }

    /// <summary>Variables set for the daemon (the action's <c>env.*</c> options), on top of <see cref="InheritedVariables"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Variables of this process the daemon inherits when set. The daemon gets nothing else of our environment: the
    /// step's tokens stay out of a long-lived root process. <c>RUNNER_TRACKING_ID</c> lets the runner's end-of-job
    /// cleanup stop a daemon that post never got to stop.
    /// </summary>
    public IReadOnlyList<string> InheritedVariables { get; set; } =
    [
        "PATH", "LANG", "LC_ALL", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
        "RUNNER_TRACKING_ID",
    ];

    /// <summary>Passed as <c>--allow-insecure-entitlement</c>, as setup-docker-builder does.</summary>
    public IReadOnlyList<string> InsecureEntitlements { get; set; } = ["security.insecure", "network.host"];

    /// <summary>One readiness probe (<c>buildctl debug workers</c>) may take this long.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one readiness probe waits for the daemon's address to accept connections before it says "not ready";
    /// the address is tried every <see cref="AcceptPollInterval"/>, and buildctl confirms once it accepts.
    /// </summary>
    public TimeSpan AcceptWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often a readiness probe tries the address while it waits: what the poll adds to noticing a daemon that has
    /// just opened its address is at most this (plus the timer's own millisecond), and a try costs a look for the socket
    /// file or one refused loopback connect, microseconds.
    /// </summary>
    public TimeSpan AcceptPollInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long the check for a foreign daemon waits for a connection to the address.</summary>
    public TimeSpan AddressProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One prune may take this long.</summary>
    public TimeSpan PruneTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A privileged helper (<c>sudo -n kill</c>, <c>sudo -n mv</c>) may take this long.</summary>
    public TimeSpan HelperTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Not root: how long sudo may take to start buildkitd before the spawn fails.</summary>
    public TimeSpan SudoStartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many lines of the log an exited daemon's probe reports.</summary>
    public int LogTailLines { get; set; } = 40;
}
