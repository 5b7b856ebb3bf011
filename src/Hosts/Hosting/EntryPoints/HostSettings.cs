using System.Runtime.InteropServices;
using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Steps;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// Where a job's pieces live on this machine. The property defaults are a Blacksmith runner's fixed root and address;
/// <see cref="FromEnvironment(string, Func{string, string?})"/> gives every other job a root and address of its own.
/// </summary>
public sealed record HostSettings
{
    public const string RootVariable = "BLACKSMITH_BUILDKIT_ROOT";
    public const string AddressVariable = "BLACKSMITH_BUILDKIT_ADDRESS";

    /// <summary>The BuildKit root, where the sticky disk is mounted.</summary>
    public string MountPoint { get; init; } = BlacksmithRunner.BuildkitRoot;

    /// <summary>The daemon's gRPC address.</summary>
    public string DaemonAddress { get; init; } = BlacksmithRunner.BuildkitAddress;

    /// <summary>The budgets setup runs under (how long the daemon may take to list a worker); replay starts from the same.</summary>
    public StepBudgets Budgets { get; init; } = StepBudgets.Hosts;

    /// <summary>The journal's directory (resolved by the verb: flag, environment, CI ids).</summary>
    public required string JobDirectory { get; init; }

    public Architecture Architecture { get; init; } = RuntimeInformation.OSArchitecture;

    /// <summary>
    /// Why this job's BuildKit root, daemon address or store cannot be used as configured, in one line that says what
    /// to change; null when they can. Setup refuses to start on it (bad input, exit 2) before any effect. It is a value
    /// rather than an exception because build and post never use the root or the address, and post must run anyway:
    /// whatever an earlier setup left, it still drains and releases.
    /// </summary>
    public string? Problem { get; init; }

    /// <inheritdoc cref="FromEnvironment(string, Func{string, string?}, bool)"/>
    public static HostSettings FromEnvironment(string jobDirectory, Func<string, string?> environment) =>
        FromEnvironment(jobDirectory, environment, Privilege.Current.IsRoot);

    /// <summary>
    /// A Blacksmith runner's fixed root and address (<see cref="BlacksmithRunner"/>); on any other machine, the job's own
    /// (<see cref="JobBuildkitPaths"/>), so that concurrent jobs never share them. <c>BLACKSMITH_BUILDKIT_ROOT</c> and
    /// <c>BLACKSMITH_BUILDKIT_ADDRESS</c> override either, everywhere.
    /// </summary>
    /// <param name="jobDirectory">The job directory; it must exist when the address falls back to its device and inode.</param>
    /// <param name="environment">Reads one environment variable.</param>
    /// <param name="isRoot">Whether this host runs as root (where the roots live).</param>
    public static HostSettings FromEnvironment(string jobDirectory, Func<string, string?> environment, bool isRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobDirectory);
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new HostSettings { JobDirectory = jobDirectory };
        var root = NonEmpty(environment(RootVariable));
        var address = NonEmpty(environment(AddressVariable));
        var problems = new List<string>();
        if (root is not null && !Path.IsPathFullyQualified(root))
        {
            problems.Add($"{RootVariable} must be an absolute path, but is '{root}': steps of one job may run in different working directories.");
        }

        if (address is not null && !JobBuildkitPaths.IsSupportedAddress(address))
        {
            problems.Add($"{AddressVariable} must be tcp://<host>:<port> or unix://<absolute path>, not '{address}'.");
        }

        if (BlacksmithRunner.Detect(environment) is null)
        {
            var roots = JobBuildkitPaths.RootsDirectory(environment, isRoot);
            if (root is null)
            {
                root = JobBuildkitPaths.Root(roots, jobDirectory, out var rootProblem) ?? string.Empty;
                if (rootProblem is not null)
                {
                    problems.Add($"This job has no BuildKit root: {rootProblem}. Set {RootVariable} to an absolute path that no other job uses, or use a shorter job directory.");
                }
            }

            if (address is null)
            {
                address = JobBuildkitPaths.Address(jobDirectory, JobBuildkitPaths.SocketsDirectory(roots), out var addressProblem) ?? string.Empty;
                if (addressProblem is not null)
                {
                    problems.Add($"This job has no BuildKit address: {addressProblem}. Set {AddressVariable} to an address that no other job uses (unix://<absolute path> or tcp://127.0.0.1:<port>).");
                }
            }
        }

        return settings with
        {
            MountPoint = root ?? settings.MountPoint,
            DaemonAddress = address ?? settings.DaemonAddress,
            Problem = problems.Count == 0 ? null : string.Join(" ", problems),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
