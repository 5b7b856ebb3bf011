using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Buildkit;

/// <summary>
/// The job's buildkitd as a real process: spawned detached (through <c>sudo -n</c> when we are not root), probed
/// with <c>buildctl debug workers</c>, signalled only while it is provably the process we started, and waited for
/// through a pidfd. Each call is one attempt; backoff and escalation are step logic. docs/processes.md has the details.
/// </summary>
public sealed class BuildkitDaemon : IBuildkitDaemon
{
    public const string ConfigFileName = "buildkitd.toml";
    public const string LogFileName = "buildkitd.log";

    private readonly BuildkitOptions _options;
    private readonly ProcessRunner _runner;
    private readonly Privilege _privilege;
    private readonly ILogger<BuildkitDaemon> _logger;
    private readonly TimeProvider _time;

    // How long one try of the address may take while a probe waits for it to accept.
    private static readonly TimeSpan AcceptAttemptTimeout = TimeSpan.FromMilliseconds(100);

    // How long WaitForExitAsync waits for sudo to follow its daemon out, so that the daemon's exit means sudo is gone too.
    private static readonly TimeSpan SudoExitWait = TimeSpan.FromSeconds(2);

    // The reaping of the sudo each daemon this process spawned runs under (our child). It is reaped whenever it exits,
    // not only when WaitForExitAsync is called in time: someone else may end the daemon, or sudo may take longer than
    // SudoExitWait, and a sudo nobody waits for stays a zombie of a long-lived host. Everything another process needs
    // (log, root) travels in the journaled DaemonIdentity instead.
    private readonly ConcurrentDictionary<SpawnedProcess, Task> _sudoOf = new();

    public BuildkitDaemon(
        BuildkitOptions options,
        ProcessRunner runner,
        Privilege privilege,
        ILogger<BuildkitDaemon> logger,
        TimeProvider time)
    {
        _options = options;
        _runner = runner;
        _privilege = privilege;
        _logger = logger;
        _time = time;
    }

    public async Task<DaemonIdentity> SpawnAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        cancellationToken.ThrowIfCancellationRequested();
        const string operation = "buildkitd.spawn";
        var buildkitd = Privilege.Require(_options.BuildkitdPath, "buildkitd", _options.SearchPath);
        var address = string.IsNullOrWhiteSpace(launch.Address) ? BuildkitOptions.DefaultAddress : launch.Address;
        var jobDirectory = Path.GetFullPath(launch.JobDirectory);
        var root = Path.GetFullPath(launch.Root);

        string config, log;
        try
        {
            foreach (var warning in UnixFiles.CreatePrivateDirectory(jobDirectory))
            {
                BuildkitLog.JobDirectoryWarning(_logger, warning);
            }

            // buildkitd creates its socket but only one missing directory above it, and 0770 at that: a socket outside the
            // job directory (a long job path) gets its private parent here.
            if (DaemonAddress.UnixSocketPath(address) is { } socket && Path.GetDirectoryName(socket) is { } socketDirectory)
            {
                foreach (var warning in UnixFiles.CreatePrivateDirectory(socketDirectory))
                {
                    BuildkitLog.JobDirectoryWarning(_logger, warning);
                }
            }

            config = Path.Combine(jobDirectory, ConfigFileName);
            (uint, uint)? socketOwner = _privilege.IsRoot || !OperatingSystem.IsLinux() ? null : (Libc.GetEffectiveUserId(), Libc.GetEffectiveGroupId());
            await WritePrivateFileAsync(config, BuildkitdConfig.Create(root, address, _options, socketOwner).ToToml(), cancellationToken);
            log = Path.Combine(jobDirectory, LogFileName);
            DaemonLogFile.AppendMarker(log, _time.GetUtcNow());
            // A root host writing into the runner user's job directory gives the files to that user, like the journal.
            foreach (var file in (string[])[config, log])
            {
                if (UnixFiles.HandOver(file, jobDirectory) is { } warning)
                {
                    BuildkitLog.JobDirectoryWarning(_logger, warning);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"could not prepare {jobDirectory}: {ex.Message}", ex);
        }

        List<string> arguments = ["--config", config];
        foreach (var entitlement in _options.InsecureEntitlements)
        {
            arguments.Add("--allow-insecure-entitlement");
            arguments.Add(entitlement);
        }

        var environment = DaemonEnvironment();
        SpawnedProcess daemon;
        if (_privilege.IsRoot)
        {
            daemon = Spawn(buildkitd, arguments, environment, log);
            // Our own child: reaped whenever it exits, stopped by post, killed by someone else or ending on its own, so a
            // long-lived host (blacksmith run, a test host) keeps no zombie until something happens to check on it.
            _ = ProcessLifetime.ReapWhenExitedAsync(daemon);
        }
        else
        {
            var (sudo, sudoArguments) = _privilege.ElevateArgv(buildkitd, arguments, environment.Keys, "buildkitd", _options.SearchPath);
            var sudoProcess = Spawn(sudo, sudoArguments, environment, log);
            // From here on, however the spawn ends, sudo is reaped when it exits.
            var reaped = ProcessLifetime.ReapWhenExitedAsync(sudoProcess);
            daemon = await FindDaemonUnderSudoAsync(sudoProcess, buildkitd, config, log);
            _sudoOf[daemon] = reaped;
        }

        BuildkitLog.Spawned(_logger, daemon.Pid, address, config, log);
        return new DaemonIdentity(daemon.Pid, daemon.StartTimeTicks, address, log, root);
    }

    public async Task<DaemonProbe> ProbeAsync(DaemonIdentity daemon, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        var process = Process(daemon);
        if (!ProcessLifetime.IsRunning(process))
        {
            return Exited(daemon);
        }

        // buildkitd opens its listener once its workers exist, so the address starting to accept is the moment to ask;
        // waiting for it here, a few milliseconds at a time, finds that moment without a buildctl per try.
        if (DaemonAddress.IsWatchable(daemon.Address) && !await WaitUntilAcceptingAsync(daemon, process, cancellationToken))
        {
            return ProcessLifetime.IsRunning(process)
                ? new DaemonProbe(DaemonProbeStatus.NotReady, $"nothing accepted connections at {daemon.Address} within {_options.AcceptWait.TotalSeconds:0.#} s")
                : Exited(daemon);
        }

        var outcome = await _runner.RunAsync(Buildctl(daemon, ["debug", "workers"], _options.ProbeTimeout), cancellationToken);
        if (outcome.Succeeded && BuildctlOutput.CountWorkers(outcome.StandardOutput) > 0)
        {
            return new DaemonProbe(DaemonProbeStatus.Ready);
        }

        // It may have died while we asked: then waiting longer cannot help.
        if (!ProcessLifetime.IsRunning(process))
        {
            return Exited(daemon);
        }

        var detail = outcome switch
        {
            { TimedOut: true } => $"buildctl did not answer within {_options.ProbeTimeout.TotalSeconds:0.#} s",
            { Succeeded: true } => "no worker yet",
            _ => outcome.Describe(),
        };
        return new DaemonProbe(DaemonProbeStatus.NotReady, detail);
    }

    /// <summary>
    /// True once the address accepts a connection; false when the daemon exited or <see cref="BuildkitOptions.AcceptWait"/>
    /// ran out. It waits on a real socket, so on real time, whatever clock the stop's grace period runs on.
    /// </summary>
    private async Task<bool> WaitUntilAcceptingAsync(DaemonIdentity daemon, SpawnedProcess process, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            // A loopback connect is accepted or refused at once; the limit is only for an address that drops packets.
            if (await DaemonAddress.AcceptsConnectionsAsync(daemon.Address, AcceptAttemptTimeout, cancellationToken, deniedIsListening: true))
            {
                return true;
            }

            if (!ProcessLifetime.IsRunning(process) || Stopwatch.GetElapsedTime(started) >= _options.AcceptWait)
            {
                return false;
            }

            await Task.Delay(_options.AcceptPollInterval, cancellationToken);
        }
    }

    public async Task<SignalDelivery> SignalAsync(DaemonIdentity daemon, DaemonSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        const string operation = "buildkitd.signal";
        var process = Process(daemon);
        var (number, name) = signal == DaemonSignal.Kill ? (Libc.SignalKill, "KILL") : (Libc.SignalTerminate, "TERM");
        SignalDelivery delivery;
        if (_privilege.IsRoot)
        {
            try
            {
                delivery = ProcessLifetime.Signal(process, number) == SignalResult.Delivered ? SignalDelivery.Delivered : SignalDelivery.AlreadyGone;
            }
            catch (Win32Exception ex)
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, ex.Message, ex);
            }
        }
        else if (!ProcessLifetime.IsRunning(process))
        {
            delivery = SignalDelivery.AlreadyGone;
        }
        else
        {
            // Only root may signal a root process. Between the check above and sudo's kill the pid could in theory be
            // reused; the window is the few milliseconds sudo takes to start (docs/processes.md).
            var kill = _privilege.Elevate(new ProcessCommand("kill", ["-s", name, daemon.Pid.ToString(CultureInfo.InvariantCulture)])
            {
                SearchPath = _options.SearchPath,
                Timeout = _options.HelperTimeout,
            });
            var outcome = await _runner.RunAsync(kill, cancellationToken);
            if (outcome.Succeeded)
            {
                delivery = SignalDelivery.Delivered;
            }
            else if (!ProcessLifetime.IsRunning(process))
            {
                delivery = SignalDelivery.AlreadyGone;
            }
            else
            {
                outcome.EnsureSucceeded(operation);
                delivery = SignalDelivery.Delivered;
            }
        }

        BuildkitLog.Signalled(_logger, signal, daemon.Pid, delivery);
        return delivery;
    }

    public async Task<bool> WaitForExitAsync(DaemonIdentity daemon, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        var process = Process(daemon);
        var exited = await ProcessLifetime.WaitForExitAsync(process, timeout, _time, cancellationToken);
        if (exited && _sudoOf.TryRemove(process, out var sudoReaped))
        {
            // sudo ends right after its command. One that takes longer is still reaped when it exits.
            try
            {
                await sudoReaped.WaitAsync(SudoExitWait, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                BuildkitLog.SudoStillExiting(_logger, daemon.Pid);
            }
        }

        return exited;
    }

    public async Task<long> PruneAsync(DaemonIdentity daemon, long keepBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        ArgumentOutOfRangeException.ThrowIfNegative(keepBytes);
        const string operation = "buildkitd.prune";
        // buildctl takes megabytes (10^6 bytes) as a float and multiplies back, so six decimals lose nothing.
        var megabytes = (keepBytes / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);
        var outcome = await _runner.RunAsync(
            Buildctl(daemon, ["prune", "--keep-storage", megabytes], _options.PruneTimeout, LogLevel.Information), cancellationToken);
        if (outcome.Succeeded)
        {
            return BuildctlOutput.ParsePruneTotal(outcome.StandardOutput);
        }

        if (outcome.TimedOut)
        {
            outcome.EnsureSucceeded(operation);
        }

        var unreachable = !ProcessLifetime.IsRunning(Process(daemon))
            || (outcome.LastErrorLine ?? string.Empty).Contains("connection refused", StringComparison.OrdinalIgnoreCase);
        throw new ExternalCallException(operation, unreachable ? ExternalErrorKind.Unavailable : ExternalErrorKind.Failed, outcome.Describe()) { ExitCode = outcome.ExitCode };
    }

    /// <summary>
    /// The root's lock (it names the holder's pid) and the address. Both are read-only checks: the lock table in
    /// <c>/proc/locks</c>, and one connection that is closed at once. Both are asked, so that a caller can tell a
    /// daemon it could reach (the address answers) from one it cannot.
    /// </summary>
    public async Task<ForeignDaemon?> FindForeignAsync(string root, string? address, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        cancellationToken.ThrowIfCancellationRequested();
        var fullRoot = Path.GetFullPath(root);
        var lockPath = Path.Combine(fullRoot, RootLocks.LockFileName);
        var listening = !string.IsNullOrWhiteSpace(address)
            && await DaemonAddress.AcceptsConnectionsAsync(address, _options.AddressProbeTimeout, cancellationToken);
        ForeignDaemon? foreign = null;
        if (RootLocks.FindHolder(lockPath) is { } pid)
        {
            var resource = $"the BuildKit root {fullRoot} (its lock {lockPath})" + (listening ? $" and the address {address}" : string.Empty);
            foreign = new ForeignDaemon(resource, pid > 0 ? pid : null, pid > 0 ? ProcStat.TryRead(pid)?.Command : null, listening ? address : null);
        }
        else if (listening)
        {
            foreign = new ForeignDaemon($"the address {address} (something accepts connections there)", Address: address);
        }

        if (foreign is not null)
        {
            BuildkitLog.ForeignFound(_logger, foreign.Describe());
        }

        return foreign;
    }

    /// <summary>
    /// Scans /proc for a buildkitd whose command line names this launch's config file: setup writes that file in the job
    /// directory and passes it to every daemon it starts, so the pair names the job's daemon and no other. Found by its
    /// kernel name, so that the sudo process above a non-root spawn (same arguments) is not taken for it.
    /// </summary>
    public Task<DaemonIdentity?> FindLaunchedAsync(DaemonLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        cancellationToken.ThrowIfCancellationRequested();
        var jobDirectory = Path.GetFullPath(launch.JobDirectory);
        var config = Path.Combine(jobDirectory, ConfigFileName);
        var name = Path.GetFileName(_options.BuildkitdPath);
        var kernelName = name.Length > 15 ? name[..15] : name;
        foreach (var process in ProcessTree.Descendants(0))
        {
            if (process.Command == kernelName && !process.HasExited
                && ProcessTree.CommandLine(process.Pid).Contains(config, StringComparer.Ordinal))
            {
                return Task.FromResult<DaemonIdentity?>(new DaemonIdentity(
                    process.Pid, process.StartTimeTicks, launch.Address, Path.Combine(jobDirectory, LogFileName), Path.GetFullPath(launch.Root)));
            }
        }

        return Task.FromResult<DaemonIdentity?>(null);
    }

    public async Task<string> QuarantineDatabaseAsync(string databasePath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        const string operation = "buildkitd.quarantine";
        var source = Path.GetFullPath(databasePath);
        var target = string.Create(CultureInfo.InvariantCulture, $"{source}.corrupt-{_time.GetUtcNow():yyyyMMdd'T'HHmmssfff'Z'}");
        if (_privilege.IsRoot)
        {
            try
            {
                File.Move(source, target, overwrite: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"could not move {source} aside: {ex.Message}", ex);
            }
        }
        else
        {
            // The database lives in root's BuildKit root: only root may rename it.
            var move = _privilege.Elevate(new ProcessCommand("mv", ["--", source, target])
            {
                SearchPath = _options.SearchPath,
                Timeout = _options.HelperTimeout,
            });
            (await _runner.RunAsync(move, cancellationToken)).EnsureSucceeded(operation);
        }

        BuildkitLog.Quarantined(_logger, source, target);
        return target;
    }

    private static SpawnedProcess Process(DaemonIdentity daemon) => new(daemon.Pid, daemon.StartTimeTicks);

    private static SpawnedProcess Spawn(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string log)
    {
        try
        {
            return DetachedProcess.Spawn(program, arguments, environment, log);
        }
        catch (Win32Exception ex)
        {
            var kind = ex.NativeErrorCode == Libc.NoSuchFile ? ExternalErrorKind.Missing : ExternalErrorKind.Failed;
            throw new ExternalCallException("buildkitd.spawn", kind, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new ExternalCallException("buildkitd.spawn", ExternalErrorKind.Failed, ex.Message, ex);
        }
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken);
    }

    private DaemonProbe Exited(DaemonIdentity daemon)
    {
        if (daemon.LogPath is not { } log)
        {
            // An identity from a journal written before the log was recorded.
            return new DaemonProbe(DaemonProbeStatus.Exited, "buildkitd has exited (its log is in the job directory)");
        }

        var tail = DaemonLogFile.ReadTail(log, _options.LogTailLines);
        var detail = tail.Count > 0 ? string.Join('\n', tail) : $"buildkitd has exited and wrote nothing to {log}";
        return new DaemonProbe(DaemonProbeStatus.Exited, detail, DaemonLogFile.FindCorruptDatabase(tail, daemon.Root));
    }

    private ProcessCommand Buildctl(DaemonIdentity daemon, IReadOnlyList<string> command, TimeSpan timeout, LogLevel outputLevel = LogLevel.Debug) =>
        new(_options.BuildctlPath, ["--addr", daemon.Address, .. command])
        {
            Name = "buildctl",
            SearchPath = _options.SearchPath,
            Timeout = timeout,
            OutputLevel = outputLevel,
        };

    private Dictionary<string, string> DaemonEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in _options.InheritedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in _options.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>
    /// Not root: our child is sudo, which starts buildkitd as its child (or grandchild, when sudo interposes a monitor
    /// process for a pseudo-terminal). The daemon is the descendant whose kernel name is buildkitd's and whose command
    /// line carries our config file. sudo exiting first means it refused (its message is in the log).
    /// </summary>
    private async Task<SpawnedProcess> FindDaemonUnderSudoAsync(SpawnedProcess sudo, string buildkitd, string config, string log)
    {
        const string operation = "buildkitd.spawn";
        var name = Path.GetFileName(buildkitd);
        var kernelName = name.Length > 15 ? name[..15] : name;
        var started = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            foreach (var candidate in ProcessTree.Descendants(sudo.Pid))
            {
                if (candidate.Command == kernelName && !candidate.HasExited
                    && ProcessTree.CommandLine(candidate.Pid).Contains(config, StringComparer.Ordinal))
                {
                    BuildkitLog.FoundUnderSudo(_logger, sudo.Pid, candidate.Pid);
                    return new SpawnedProcess(candidate.Pid, candidate.StartTimeTicks);
                }
            }

            if (!ProcessLifetime.IsRunning(sudo))
            {
                var said = string.Join('\n', DaemonLogFile.ReadTail(log, _options.LogTailLines));
                throw new ExternalCallException(operation, ExternalErrorKind.Failed, $"sudo exited before starting buildkitd: {said}");
            }

            if (_time.GetElapsedTime(started) > _options.SudoStartTimeout)
            {
                // Do not leave a half-started daemon behind: sudo passes SIGTERM on to whatever it started.
                try
                {
                    _ = ProcessLifetime.Signal(sudo, Libc.SignalTerminate);
                    _ = await ProcessLifetime.WaitForExitAsync(sudo, SudoExitWait, _time, CancellationToken.None);
                }
                catch (Win32Exception)
                {
                    // Not ours to signal after all; the timeout below is what matters.
                }
                throw new ExternalCallException(
                    operation, ExternalErrorKind.Timeout, $"sudo did not start buildkitd within {_options.SudoStartTimeout.TotalSeconds:0.#} s");
            }

            // Not cancellable: once sudo runs, giving up without knowing the daemon's pid would orphan it.
            await Task.Delay(delay, _time, CancellationToken.None);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
        }
    }
}
