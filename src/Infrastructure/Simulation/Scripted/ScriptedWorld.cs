using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Orchestration.Journal;
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
    private readonly Dictionary<string, string> _exposures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _mounts = new(StringComparer.Ordinal);
    private JsonElement? _daemon;
    private IReadOnlyDictionary<string, ScriptedAnswer> _hostInputs = None;
    private string? _killAfterTransition;
    private string? _armedBy;
    private string? _stoppedBecause;

    public ScriptedWorld(
        IEnumerable<ScriptedAnswer> script,
        WorldOrdering ordering,
        TimeProvider time,
        IReadOnlyDictionary<string, ScriptedAnswer>? baseWorld = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(time);
        _slots = [.. script.Select(a => new Slot(a))];
        _scripted = [.. _slots.Select(s => s.Answer.Call)];
        _ordering = ordering;
        _time = time;
        _base = baseWorld ?? None;
    }

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
                return [.. _slots.Where(s => s.Remaining > 0 && s.Answer.Times is not null).Select(s => s.Answer with { Times = s.Remaining })];
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

            return _stoppedBecause;
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
    public async Task<T> AnswerAsync<T>(string call, IReadOnlyDictionary<string, string> arguments, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        var answer = await ReplyAsync(call, arguments, cancellationToken);
        if (answer.Value is not { } value)
        {
            throw new InvalidOperationException($"The scripted answer for {call} has no value ({answer.Describe()}).");
        }

        var result = value.Deserialize(type)!;
        if (call == ScriptedCalls.DaemonSpawn)
        {
            lock (_gate)
            {
                DaemonDead = false;
            }
        }

        return result;
    }

    /// <summary>Answers a call whose value may be absent: a scripted <c>null</c>, or no value at all, is nothing found.</summary>
    public async Task<T?> AnswerOrNothingAsync<T>(string call, IReadOnlyDictionary<string, string> arguments, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(type);
        var answer = await ReplyAsync(call, arguments, cancellationToken);
        return answer.Value is { ValueKind: not JsonValueKind.Null } value ? value.Deserialize(type) : null;
    }

    /// <summary>Answers a call that returns nothing.</summary>
    public Task AnswerAsync(string call, IReadOnlyDictionary<string, string> arguments, CancellationToken cancellationToken) =>
        ReplyAsync(call, arguments, cancellationToken);

    /// <summary>Arguments in the invariant text form the journal keeps (null values left out).</summary>
    public static IReadOnlyDictionary<string, string> Arguments(params (string Name, object? Value)[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Name, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
    }

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
                throw new ExternalCallException(answer.Operation ?? call, answer.ErrorKind, answer.Message ?? $"scripted {answer.ErrorKind}");
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
            switch (call)
            {
                case ScriptedCalls.StickyDiskExpose when answer.Value is { ValueKind: JsonValueKind.Object } value
                    && value.TryGetProperty("exposeId", out var id) && id.GetString() is { Length: > 0 } exposeId:
                    _exposures[exposeId] = value.TryGetProperty("device", out var device) ? device.GetString() ?? string.Empty : string.Empty;
                    break;
                case ScriptedCalls.StickyDiskSettle when arguments.TryGetValue("exposeId", out var settled):
                    _exposures.Remove(settled);
                    break;
                case ScriptedCalls.BlockDeviceMount when arguments.TryGetValue("mountPoint", out var mountPoint) && arguments.TryGetValue("device", out var mounted):
                    _mounts[mountPoint] = mounted;
                    break;
                case ScriptedCalls.BlockDeviceUnmount when arguments.TryGetValue("mountPoint", out var unmounted):
                    _mounts.Remove(unmounted);
                    break;
                case ScriptedCalls.DaemonSpawn when answer.Value is { ValueKind: JsonValueKind.Object } spawned:
                    _daemon = spawned.Clone();
                    break;
                case ScriptedCalls.DaemonSignal when answer.Value is { } delivery && delivery.ToString() == "AlreadyGone":
                case ScriptedCalls.DaemonWaitForExit when answer.Value is { ValueKind: JsonValueKind.True }:
                    _daemon = null;
                    break;
            }
        }
    }

    /// <summary>What the world holds, for a look the script does not answer; null for any other call.</summary>
    private ScriptedAnswer? HeldAnswer(string call, IReadOnlyDictionary<string, string> arguments)
    {
        const string origin = "what the world holds";
        switch (call)
        {
            case ScriptedCalls.StickyDiskFindExposures:
                var found = string.Join(',', _exposures.Select(e => JsonSerializer.Serialize(new ExposedDisk(e.Key, e.Value), EffectJsonContext.Default.ExposedDisk)));
                return Returning(call, $"[{found}]", origin);
            case ScriptedCalls.BlockDeviceMountSource:
                return Returning(call, arguments.TryGetValue("mountPoint", out var mountPoint) && _mounts.TryGetValue(mountPoint, out var device)
                    ? JsonSerializer.Serialize(device, EffectJsonContext.Default.String)
                    : "null", origin);
            case ScriptedCalls.DaemonFindLaunched:
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
            if (DaemonDead && DeadDaemon.Answers.TryGetValue(call, out var dead))
            {
                return dead;
            }

            if (_scripted.Contains(call))
            {
                var taken = _ordering == WorldOrdering.Strict ? TakeInOrder(call, arguments, session) : TakeForCall(call, arguments, session);

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

            throw Diverge(call, arguments, session, $"the script has no answer for {call} at all", Pending(5));
        }
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
                throw Diverge(call, arguments, session, $"the script expects {head.Answer.Call} next", Pending(3));
            }

            head.Remaining = 0;
        }

        throw Diverge(call, arguments, session, "the script has no call left", []);
    }

    private ScriptedAnswer TakeForCall(string call, IReadOnlyDictionary<string, string> arguments, string session)
    {
        var next = _slots.FirstOrDefault(s => s.Remaining > 0 && s.Answer.Call == call);
        if (next is null)
        {
            var scripted = _slots.Where(s => s.Answer.Call == call).Sum(s => s.Answer.Times ?? 0);
            throw Diverge(call, arguments, session,
                scripted == 0 ? $"the script says {call} is never made" : $"all {scripted} scripted answer(s) for {call} were used", Pending(5));
        }

        if (next.Answer.Session is { } owner && owner != session)
        {
            throw Diverge(call, arguments, session, $"the next answer for {call} belongs to session {owner}", [next.Answer.Describe()]);
        }

        return next.Use();
    }

    private List<string> Pending(int count) => [.. _slots.Where(s => s.Remaining > 0).Take(count).Select(s => s.Answer.Describe())];

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
            [ScriptedCalls.DaemonProbe] = Returning(ScriptedCalls.DaemonProbe, """{"status":"Exited","detail":"buildkitd died (scripted)"}""", "dead daemon"),
            [ScriptedCalls.DaemonSignal] = Returning(ScriptedCalls.DaemonSignal, "\"AlreadyGone\"", "dead daemon"),
            [ScriptedCalls.DaemonWaitForExit] = Returning(ScriptedCalls.DaemonWaitForExit, "true", "dead daemon"),
        };
    }

    internal static ScriptedAnswer Returning(string call, string json, string origin)
    {
        using var document = JsonDocument.Parse(json);
        return new ScriptedAnswer { Call = call, Value = document.RootElement.Clone(), Times = null, Origin = origin };
    }
}
