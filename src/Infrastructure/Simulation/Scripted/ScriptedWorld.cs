using System.Globalization;
using System.Text.Json;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The world a replay runs in: it answers every port call from a script instead of touching the system, keeps the
/// few facts that outlive one call (the daemon died, the host was killed), and stops the replay at the first call
/// the script has no answer for (<see cref="Divergence"/>).
/// </summary>
/// <remarks>
/// An answer comes from, in order: the script (when it names the call at all, only from there: running out is a
/// divergence), the running host's inputs (the job status a post was given), the world's own state for the calls that
/// look for what a job holds (the exposures, mounts and daemon its successful calls acquired and did not release), the
/// base world, and otherwise nowhere, which is a divergence too. A dead daemon answers its own probes, signals and waits.
/// <para>
/// The world also holds the machine the job shares with other jobs (<see cref="ScriptedMachine"/>): their processes,
/// mounts and exposures. The sweep setup runs before its sequence asks about those, inside <see cref="Sweeping"/>: its
/// calls take the machine's script, then what the machine holds (a process runs until a signal or a wait sees it end,
/// a mount until it is unmounted, an exposure until it is settled), then the base world; never the job's own script,
/// and the job's own calls never take the machine's.
/// </para>
/// </remarks>
public sealed class ScriptedWorld
{
    private static readonly IReadOnlyDictionary<string, ScriptedAnswer> None = new Dictionary<string, ScriptedAnswer>();

    private readonly Lock _gate = new();
    private readonly WorldOrdering _ordering;
    private readonly TimeProvider _time;
    private readonly IReadOnlyDictionary<string, ScriptedAnswer> _base;
    private readonly List<Slot> _slots;
    private readonly HashSet<string> _scripted;
    private readonly List<Slot> _machineSlots;
    private readonly HashSet<string> _machineScripted;
    private readonly List<ScriptedProcess> _running;
    private readonly HashSet<int> _signalled = [];
    private readonly IReadOnlyList<JobClaim> _claims;

    // Exposure id to its device and holder; the holder is null for the job's own (its expose calls made them).
    private readonly Dictionary<string, (string Device, string? Holder)> _exposures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mounts = new(StringComparer.Ordinal);
    private JsonElement? _daemon;
    private IReadOnlyDictionary<string, ScriptedAnswer> _hostInputs = None;
    private string? _killAfterTransition;
    private string? _armedBy;
    private string? _stoppedBecause;
    private bool _sweeping;

    /// <param name="script">The job's scripted answers.</param>
    /// <param name="ordering">How the job's calls take them.</param>
    /// <param name="time">The replay's clock.</param>
    /// <param name="baseWorld">Answers for calls no script names (the healthy world), or null: such a call diverges.</param>
    /// <param name="machine">The other jobs of the machine; null for none.</param>
    public ScriptedWorld(
        IEnumerable<ScriptedAnswer> script,
        WorldOrdering ordering,
        TimeProvider time,
        IReadOnlyDictionary<string, ScriptedAnswer>? baseWorld = null,
        ScriptedMachine? machine = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(time);
        _slots = [.. script.Select(a => new Slot(a))];
        _scripted = [.. _slots.Select(s => s.Answer.Call)];
        _ordering = ordering;
        _time = time;
        _base = baseWorld ?? None;
        machine ??= ScriptedMachine.Empty;
        _machineSlots = [.. machine.Script.Select(a => new Slot(a))];
        _machineScripted = [.. _machineSlots.Select(s => s.Answer.Call)];
        _running = [.. machine.Running];
        _claims = machine.Claims;
        foreach (var (mountPoint, device) in machine.MountsNow())
        {
            _mounts[mountPoint] = device;
        }

        foreach (var exposure in machine.ExposuresNow())
        {
            _exposures[exposure.ExposeId] = (exposure.Device, exposure.Holder);
        }
    }

    /// <summary>
    /// The replayed job's directory: the holder its own exposures are found by. Null answers them for any holder, as a
    /// world without other jobs may.
    /// </summary>
    public string? JobDirectory { get; init; }

    /// <summary>The first call the script could not answer; null while the replay follows the script.</summary>
    public Divergence? Divergence { get; private set; }

    /// <summary>Whether the job's daemon has died (until the next spawn).</summary>
    public bool DaemonDead { get; private set; }

    /// <summary>The last call the script was asked, for reports (where a host hung, for instance).</summary>
    public string? LastCall { get; private set; }

    /// <summary>Scripted answers no call has taken (those that answer every call excepted).</summary>
    public IReadOnlyList<ScriptedAnswer> Unused
    {
        get
        {
            lock (_gate)
            {
                return [.. _slots.Concat(_machineSlots).Where(s => s.Remaining > 0 && s.Answer.Times is not null).Select(s => s.Answer with { Times = s.Remaining })];
            }
        }
    }

    /// <summary>
    /// A new host process starts: it is alive, its inputs answer the calls they cover, and it will be killed right
    /// after it journals <paramref name="killAfterTransition"/>, when given.
    /// </summary>
    public void BeginHost(IReadOnlyDictionary<string, ScriptedAnswer>? inputs = null, string? killAfterTransition = null)
    {
        lock (_gate)
        {
            if (Divergence is not null)
            {
                throw new InvalidOperationException("The replay diverged; no host may run after it.");
            }

            _hostInputs = inputs ?? None;
            _killAfterTransition = killAfterTransition;
            _armedBy = null;
            _stoppedBecause = null;
            _sweeping = false;
        }
    }

    /// <summary>
    /// The running host's calls are the sweep's until the returned scope is disposed (or the host ends): they concern
    /// the machine's other jobs, and are answered from the machine (its script, then what it holds, then the base world).
    /// </summary>
    public IDisposable Sweeping()
    {
        lock (_gate)
        {
            _sweeping = true;
        }

        return new SweepScope(this);
    }

    /// <summary>Whether the machine's process <paramref name="pid"/>, started at <paramref name="startTimeTicks"/>, still runs.</summary>
    public bool IsRunning(int pid, long startTimeTicks)
    {
        lock (_gate)
        {
            return _running.Any(p => p.Is(pid, startTimeTicks));
        }
    }

    /// <summary>What the machine still holds for <paramref name="claim"/>'s job, whatever its claim says.</summary>
    public HeldOnMachine HeldFor(JobClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var holdings = claim.Holdings;
        lock (_gate)
        {
            var daemons = _running.Where(p => p.LaunchedFor == claim.JobDirectory || (holdings.Daemon is { } d && p.Is(d.Pid, d.StartTimeTicks))).Select(p => p.Pid).ToList();
            var root = holdings.MountPoint ?? holdings.Root;
            var mounted = root is not null && _mounts.TryGetValue(root, out var source) && (holdings.Device is null || source == holdings.Device) ? source : null;
            var exposures = _exposures
                .Where(e => e.Value.Holder == claim.JobDirectory || (e.Value.Holder is not null && e.Key == holdings.ExposeId))
                .Select(e => e.Key)
                .ToList();
            return new HeldOnMachine(daemons, mounted is null ? null : root, mounted, exposures);
        }
    }

    /// <summary>A stopped host records nothing more: throws <see cref="HostStoppedException"/> once the running host was stopped.</summary>
    public void EnsureHostRuns()
    {
        lock (_gate)
        {
            ThrowIfStopped();
        }
    }

    /// <summary>
    /// The running host's process is over: returns why it was stopped (killed after which call or transition, or
    /// where it diverged), or null when it ran to its end. A kill still pending after its last call counts: the
    /// process died right after its last journal line.
    /// </summary>
    public string? EndHost()
    {
        lock (_gate)
        {
            if (_armedBy is { } call)
            {
                _stoppedBecause = $"killed after {call}";
                _armedBy = null;
            }

            _sweeping = false;
            return _stoppedBecause;
        }
    }

    /// <summary>
    /// The running host is killed now, <paramref name="reason"/> being what its end reports (a build host killed while
    /// its build ran): it journals nothing more, and the returned exception unwinds it.
    /// </summary>
    public HostStoppedException KillHost(string reason)
    {
        lock (_gate)
        {
            _stoppedBecause = reason;
            _armedBy = null;
            return new HostStoppedException($"The host was stopped: {reason}.");
        }
    }

    /// <summary>The daemon dies now (a build or a step of the user's crashed it).</summary>
    public void KillDaemon()
    {
        lock (_gate)
        {
            DaemonDead = true;
        }
    }

    /// <summary>Answers a call that returns a value.</summary>
    internal async Task<T> AnswerAsync<T>(PortCall<T> call, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = await ReplyAsync(call.Name, arguments, cancellationToken);
        if (answer.Value is not { } value)
        {
            throw new InvalidOperationException($"The scripted answer for {call} has no value ({answer.Describe()}).");
        }

        var result = value.Deserialize(call.Value)!;
        if (ReferenceEquals(call, PortCalls.DaemonSpawn))
        {
            lock (_gate)
            {
                DaemonDead = false;
            }
        }

        return result;
    }

    /// <summary>Answers a call whose value may be absent: a scripted <c>null</c>, or no value at all, is nothing found.</summary>
    internal async Task<T?> AnswerOrNothingAsync<T>(PortCall<T?> call, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = await ReplyAsync(call.Name, arguments, cancellationToken);
        return answer.Value is { ValueKind: not JsonValueKind.Null } value ? value.Deserialize(call.Value) : null;
    }

    /// <summary>Answers a call whose scripts may give no value (written before the call returned one): then <paramref name="otherwise"/>.</summary>
    internal async Task<T> AnswerOrAsync<T>(PortCall<T> call, IReadOnlyDictionary<string, string> arguments, T otherwise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var answer = await ReplyAsync(call.Name, arguments, cancellationToken);
        return answer.Value is { ValueKind: not JsonValueKind.Null } value ? value.Deserialize(call.Value)! : otherwise;
    }

    /// <summary>Answers a call that returns nothing.</summary>
    internal Task AnswerAsync(PortCall call, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ReplyAsync(call.Name, arguments, cancellationToken);
    }

    /// <summary>Arguments in the invariant text form the journal keeps (null values left out).</summary>
    public static IReadOnlyDictionary<string, string> Arguments(params (string Name, object? Value)[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Name, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
    }

    /// <summary>The claim registry asks before reading or changing a claim: as for the journal, a stopped host can do neither.</summary>
    internal void BeforeClaimsAccess() => BeforeJournalRead();

    /// <summary>The journal asks before reading: a stopped host can no longer read, and a pending kill strikes now.</summary>
    internal void BeforeJournalRead()
    {
        lock (_gate)
        {
            ThrowIfStopped();
            StrikeIfArmed();
        }
    }

    /// <summary>
    /// The journal asks before appending <paramref name="drafts"/>. A host about to be killed still journals the
    /// effect that killed it (its record is the last thing the process does), and nothing after it.
    /// </summary>
    internal void BeforeJournalAppend(IReadOnlyList<JournalDraft> drafts)
    {
        lock (_gate)
        {
            ThrowIfStopped();
            if (_armedBy is not null && !drafts.All(d => d.Kind == JournalRecordKind.Effect))
            {
                StrikeIfArmed();
            }
        }
    }

    /// <summary>The journal reports what it appended, so that a kill due after it takes effect.</summary>
    internal void AfterJournalAppend(IReadOnlyList<JournalDraft> drafts)
    {
        lock (_gate)
        {
            if (_armedBy is { } call)
            {
                _stoppedBecause = $"killed after {call}";
                _armedBy = null;
            }
            else if (_killAfterTransition is { } trigger && drafts.Any(d => d.Kind == JournalRecordKind.Transition && d.Type == trigger))
            {
                _stoppedBecause = $"killed after {trigger}";
            }
        }
    }

    private async Task<ScriptedAnswer> ReplyAsync(string call, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken)
    {
        var answer = Take(call, arguments);
        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, _time, cancellationToken);
        }

        lock (_gate)
        {
            DaemonDead |= answer.DaemonDies;
            if (answer.KillsHost)
            {
                _armedBy = call;
            }
        }

        switch (answer.Reply)
        {
            case ScriptedReply.Fails:
                throw new ExternalCallException(answer.Operation ?? call, answer.ErrorKind, answer.Message ?? $"scripted {answer.ErrorKind}") { ExitCode = answer.ExitCode };
            case ScriptedReply.Crashes:
                throw new InvalidOperationException(answer.Message ?? $"scripted crash of {call}");
            case ScriptedReply.Hangs:
                var never = new TaskCompletionSource();
                using (cancellationToken.Register(() => never.TrySetCanceled(cancellationToken)))
                {
                    await never.Task;
                }

                throw new OperationCanceledException(cancellationToken);
            default:
                Remember(call, arguments, answer);
                return answer;
        }
    }

    /// <summary>Keeps what successful calls acquired and released, so that a later look finds what a killed host left.</summary>
    private void Remember(string call, IReadOnlyDictionary<string, string> arguments, ScriptedAnswer answer)
    {
        lock (_gate)
        {
            switch (PortCalls.Find(call))
            {
                case var c when c == PortCalls.StickyDiskExpose && answer.Value is { ValueKind: JsonValueKind.Object } value
                    && value.TryGetProperty("exposeId", out var id) && id.GetString() is { Length: > 0 } exposeId:
                    _exposures[exposeId] = (value.TryGetProperty("device", out var device) ? device.GetString() ?? string.Empty : string.Empty, null);
                    break;
                case var c when c == PortCalls.StickyDiskSettle && arguments.TryGetValue("exposeId", out var settled):
                    _exposures.Remove(settled);
                    break;
                case var c when c == PortCalls.BlockDeviceMount && arguments.TryGetValue("mountPoint", out var mountPoint) && arguments.TryGetValue("device", out var mounted):
                    _mounts[mountPoint] = mounted;
                    break;
                case var c when c == PortCalls.BlockDeviceUnmount && arguments.TryGetValue("mountPoint", out var unmounted):
                    _mounts.Remove(unmounted);
                    break;
                case var c when c == PortCalls.DaemonSignal && _sweeping && MachineProcess(arguments) is { } signalled:
                    // A machine's process ends on the signal (unless a wait says otherwise); one already gone is forgotten.
                    if (answer.Value?.ToString() == "AlreadyGone")
                    {
                        _running.Remove(signalled);
                    }
                    else
                    {
                        _signalled.Add(signalled.Pid);
                    }

                    break;
                case var c when c == PortCalls.DaemonWaitForExit && _sweeping && answer.Value is { ValueKind: JsonValueKind.True } && MachineProcess(arguments) is { } exited:
                    _running.Remove(exited);
                    break;
                case var c when (c == PortCalls.DaemonSignal || c == PortCalls.DaemonWaitForExit) && _sweeping:
                    // The sweep's calls are about other jobs' daemons, never this job's own.
                    break;
                case var c when c == PortCalls.DaemonSpawn && answer.Value is { ValueKind: JsonValueKind.Object } spawned:
                    _daemon = spawned.Clone();
                    break;
                case var c when (c == PortCalls.DaemonSignal && answer.Value is { } delivery && delivery.ToString() == "AlreadyGone")
                    || (c == PortCalls.DaemonWaitForExit && answer.Value is { ValueKind: JsonValueKind.True }):
                    _daemon = null;
                    break;
            }
        }
    }

    /// <summary>What the world holds, for a look the script does not answer; null for any other call.</summary>
    private ScriptedAnswer? HeldAnswer(string call, IReadOnlyDictionary<string, string> arguments)
    {
        const string origin = "what the world holds";
        switch (PortCalls.Find(call))
        {
            case var c when c == PortCalls.StickyDiskFindExposures:
                var holder = arguments.GetValueOrDefault("holder");
                var found = string.Join(',', _exposures
                    .Where(e => e.Value.Holder is { } other ? other == holder : JobDirectory is null || JobDirectory == holder)
                    .Select(e => JsonSerializer.Serialize(new ExposedDisk(e.Key, e.Value.Device), EffectJsonContext.Default.ExposedDisk)));
                return Returning(call, $"[{found}]", origin);
            case var c when c == PortCalls.BlockDeviceMountSource:
                return Returning(call, arguments.TryGetValue("mountPoint", out var mountPoint) && _mounts.TryGetValue(mountPoint, out var device)
                    ? JsonSerializer.Serialize(device, EffectJsonContext.Default.String)
                    : "null", origin);
            case var c when c == PortCalls.DaemonFindLaunched:
                return Returning(call, _daemon is { } daemon && !DaemonDead ? daemon.GetRawText() : "null", origin);
            default:
                return null;
        }
    }

    private ScriptedAnswer Take(string call, IReadOnlyDictionary<string, string> arguments)
    {
        var session = EffectScope.Current ?? EffectScope.Unscoped;
        lock (_gate)
        {
            ThrowIfStopped();
            StrikeIfArmed();
            LastCall = call;
            if (_sweeping)
            {
                return TakeForSweep(call, arguments, session);
            }

            if (DaemonDead && DeadDaemon.Answers.TryGetValue(call, out var dead))
            {
                return dead;
            }

            if (_scripted.Contains(call))
            {
                var taken = _ordering == WorldOrdering.Strict ? TakeInOrder(call, arguments, session) : TakeForCall(_slots, call, arguments, session);

                // A look scripted to succeed without a value answers what the world holds.
                return taken is { Value: null, Reply: ScriptedReply.Returns } && HeldAnswer(call, arguments) is { Value: { } truth }
                    ? taken with { Value = truth }
                    : taken;
            }

            if (_hostInputs.TryGetValue(call, out var input))
            {
                return input;
            }

            if (HeldAnswer(call, arguments) is { } held)
            {
                return held;
            }

            if (_base.TryGetValue(call, out input))
            {
                return input;
            }

            throw Diverge(call, arguments, session, $"the script has no answer for {call} at all", Pending(_slots, 5));
        }
    }

    /// <summary>A call of the sweep: the machine's script, then what the machine holds, then the base world.</summary>
    private ScriptedAnswer TakeForSweep(string call, IReadOnlyDictionary<string, string> arguments, string session)
    {
        if (_machineScripted.Contains(call))
        {
            var taken = TakeForCall(_machineSlots, call, arguments, session);
            return taken is { Value: null, Reply: ScriptedReply.Returns } && MachineAnswer(call, arguments) is { Value: { } truth }
                ? taken with { Value = truth }
                : taken;
        }

        if (MachineAnswer(call, arguments) is { } held)
        {
            return held;
        }

        if (_base.TryGetValue(call, out var answer))
        {
            return answer;
        }

        throw Diverge(call, arguments, session, $"neither the machine's script nor a base world answers the sweep's {call}", Pending(_machineSlots, 5));
    }

    /// <summary>What the machine answers a call of the sweep; null for a call it has no state for (sync, unmount, settle…).</summary>
    private ScriptedAnswer? MachineAnswer(string call, IReadOnlyDictionary<string, string> arguments)
    {
        const string origin = "what the machine holds";
        switch (PortCalls.Find(call))
        {
            case var c when c == PortCalls.DaemonSignal:
                return Returning(call, MachineProcess(arguments) is null ? "\"AlreadyGone\"" : "\"Delivered\"", origin);
            case var c when c == PortCalls.DaemonWaitForExit:
                return Returning(call, MachineProcess(arguments) is { } waited && !_signalled.Contains(waited.Pid) ? "false" : "true", origin);
            case var c when c == PortCalls.DaemonProbe:
                return Returning(call, MachineProcess(arguments) is null ? """{"status":"Exited"}""" : """{"status":"Ready"}""", origin);
            case var c when c == PortCalls.DaemonFindLaunched:
                return Returning(call, Launched(arguments) is { } launched ? JsonSerializer.Serialize(launched, EffectJsonContext.Default.DaemonIdentity) : "null", origin);
            case var c when c == PortCalls.BlockDeviceIsMounted:
                return Returning(call, arguments.TryGetValue("mountPoint", out var mountPoint) && _mounts.ContainsKey(mountPoint) ? "true" : "false", origin);
            case var c when c == PortCalls.BlockDeviceMountSource || c == PortCalls.StickyDiskFindExposures:
                return HeldAnswer(call, arguments);
            default:
                return null;
        }
    }

    /// <summary>The machine's running process a daemon call names (by pid and, when given, start time); null when it has ended.</summary>
    private ScriptedProcess? MachineProcess(IReadOnlyDictionary<string, string> arguments)
    {
        if (!arguments.TryGetValue("pid", out var text) || !int.TryParse(text, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var ticks = arguments.TryGetValue("startTimeTicks", out var started) && long.TryParse(started, CultureInfo.InvariantCulture, out var t) ? t : (long?)null;
        return _running.FirstOrDefault(p => ticks is { } known ? p.Is(pid, known) : p.Pid == pid);
    }

    /// <summary>The buildkitd that runs with a job's config: one launched for its directory, or the daemon its claim names.</summary>
    private DaemonIdentity? Launched(IReadOnlyDictionary<string, string> arguments)
    {
        var jobDirectory = arguments.GetValueOrDefault("jobDirectory");
        var claimed = _claims.FirstOrDefault(c => c.JobDirectory == jobDirectory)?.Holdings.Daemon;
        var process = _running.FirstOrDefault(p => jobDirectory is not null && p.LaunchedFor == jobDirectory)
            ?? (claimed is null ? null : _running.FirstOrDefault(p => p.Is(claimed.Pid, claimed.StartTimeTicks)));
        return process is null
            ? null
            : new DaemonIdentity(process.Pid, process.StartTimeTicks ?? claimed?.StartTimeTicks ?? 0, arguments.GetValueOrDefault("address") ?? string.Empty, Root: arguments.GetValueOrDefault("root"));
    }

    private ScriptedAnswer TakeInOrder(string call, IReadOnlyDictionary<string, string> arguments, string session)
    {
        // An answer for every call stays at the head until a call for another method moves past it.
        while (_slots.FirstOrDefault(s => s.Remaining > 0) is { } head)
        {
            if (head.Answer.Call == call && (head.Answer.Session is null || head.Answer.Session == session))
            {
                return head.Use();
            }

            if (head.Remaining != int.MaxValue)
            {
                throw Diverge(call, arguments, session, $"the script expects {head.Answer.Call} next", Pending(_slots, 3));
            }

            head.Remaining = 0;
        }

        throw Diverge(call, arguments, session, "the script has no call left", []);
    }

    private ScriptedAnswer TakeForCall(List<Slot> slots, string call, IReadOnlyDictionary<string, string> arguments, string session)
    {
        var next = slots.FirstOrDefault(s => s.Remaining > 0 && s.Answer.Call == call);
        if (next is null)
        {
            var scripted = slots.Where(s => s.Answer.Call == call).Sum(s => s.Answer.Times ?? 0);
            throw Diverge(call, arguments, session,
                scripted == 0 ? $"the script says {call} is never made" : $"all {scripted} scripted answer(s) for {call} were used", Pending(slots, 5));
        }

        if (next.Answer.Session is { } owner && owner != session)
        {
            throw Diverge(call, arguments, session, $"the next answer for {call} belongs to session {owner}", [next.Answer.Describe()]);
        }

        return next.Use();
    }

    private static List<string> Pending(List<Slot> slots, int count) => [.. slots.Where(s => s.Remaining > 0).Take(count).Select(s => s.Answer.Describe())];

    private HostStoppedException Diverge(string call, IReadOnlyDictionary<string, string> arguments, string session, string reason, IReadOnlyList<string> expected)
    {
        Divergence = new Divergence(session, call, arguments, reason, expected);
        _stoppedBecause = $"diverged at {call}";
        return new HostStoppedException($"The replay diverged at {call} ({session}): {reason}.");
    }

    private void ThrowIfStopped()
    {
        if (_stoppedBecause is { } reason)
        {
            throw new HostStoppedException($"The host was stopped: {reason}.");
        }
    }

    private void StrikeIfArmed()
    {
        if (_armedBy is { } call)
        {
            _stoppedBecause = $"killed after {call}";
            _armedBy = null;
            throw new HostStoppedException($"The host was killed after {call}.");
        }
    }

    private sealed class SweepScope(ScriptedWorld world) : IDisposable
    {
        public void Dispose()
        {
            lock (world._gate)
            {
                world._sweeping = false;
            }
        }
    }

    private sealed class Slot(ScriptedAnswer answer)
    {
        public ScriptedAnswer Answer { get; } = answer;

        public int Remaining { get; set; } = answer.Times ?? int.MaxValue;

        public ScriptedAnswer Use()
        {
            if (Remaining != int.MaxValue)
            {
                Remaining--;
            }

            return Answer;
        }
    }

    /// <summary>What a daemon that died answers, whatever the script says: it is gone.</summary>
    private static class DeadDaemon
    {
        public static readonly Dictionary<string, ScriptedAnswer> Answers = new(StringComparer.Ordinal)
        {
            [PortCalls.DaemonProbe.Name] = Returning(PortCalls.DaemonProbe.Name, """{"status":"Exited","detail":"buildkitd died (scripted)"}""", "dead daemon"),
            [PortCalls.DaemonSignal.Name] = Returning(PortCalls.DaemonSignal.Name, "\"AlreadyGone\"", "dead daemon"),
            [PortCalls.DaemonWaitForExit.Name] = Returning(PortCalls.DaemonWaitForExit.Name, "true", "dead daemon"),
        };
    }

    internal static ScriptedAnswer Returning(string call, string json, string origin)
    {
        using var document = JsonDocument.Parse(json);
        return new ScriptedAnswer { Call = call, Value = document.RootElement.Clone(), Times = null, Origin = origin };
    }
}
