using System.Globalization;
using System.Text.Json;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Setup;

namespace Blacksmith.Replay;

/// <summary>
/// Turns a recorded journal into a scenario: its effect records become the world (in journal order, each for its
/// session, strictly ordered), its sessions and transitions become the host runs, and what it recorded (every
/// transition, the final state, the decision) becomes the expectations. Replaying it asks today's code to take the
/// same decisions on the same answers. Everything it takes from a record is a field (a budget, a failed call's operation,
/// kind and exit code), never a message taken apart: rewording a message changes no replay. A journal written before
/// those fields were recorded still replays, on stated assumptions (the notes say which).
/// </summary>
public static class JournalScenario
{
    /// <summary>
    /// Reads <c>journal.jsonl</c> at <paramref name="path"/> through the journal's own line parser
    /// (<see cref="JournalFile.ParseLine"/>), so a bad line is reported as every other reader reports it; a torn last
    /// line is left out with a note.
    /// </summary>
    public static Scenario Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var location = Path.GetFullPath(path);
        var bytes = File.ReadAllBytes(path);
        var records = new List<JournalRecord>();
        var notes = new List<string>();
        var start = 0;
        for (var line = 1; start < bytes.Length; line++)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: line {line} has no newline (a writer was killed mid-write); it is left out"));
                break;
            }

            records.Add(ReadRecord(bytes.AsSpan(start, end - start), path, location, line));
            start = end + 1;
        }

        try
        {
            return From(records, path, notes);
        }
        catch (JournalFormatException ex)
        {
            throw new ScenarioFormatException(path, "$", (int)Math.Min(ex.Sequence, int.MaxValue), 1, ex.Message, ex);
        }
    }

    /// <summary>The scenario a journal's records describe; <paramref name="source"/> names it.</summary>
    public static Scenario From(IReadOnlyList<JournalRecord> records, string source, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var reader = new Reader(records.Any(r => r.Kind == JournalRecordKind.Effect && PortCalls.IsAny(r.Type, PortCalls.BuildxRegister, PortCalls.BuildxActivateFallback)), source);
        foreach (var record in records)
        {
            reader.Add(record);
        }

        // A host whose recording ends with an effect was killed right after it: the replay kills it there too.
        foreach (var host in reader.Hosts.Where(h => h is { Complete: false, Kind: not "build", LastEffectIndex: not null }))
        {
            reader.Answers[host.LastEffectIndex!.Value] = reader.Answers[host.LastEffectIndex.Value] with { KillsHost = true };
        }

        var status = JobStatus.From(records);
        var skip = status.Decision as CommitDecision.Skip;
        var expect = new ScenarioExpectations
        {
            State = status.State,
            Decision = status.Decision switch
            {
                CommitDecision.Commit => ExpectedDecision.Commit,
                CommitDecision.Skip => ExpectedDecision.Skip,
                _ => ExpectedDecision.None,
            },
            Reason = skip?.Reason,
            Also = skip?.Also,
            Transitions = reader.Transitions,
            Hosts = [.. reader.Hosts.Select(h => h.Ends)],
        };
        return new Scenario(Path.GetFileName(Path.GetDirectoryName(source) is { Length: > 0 } dir ? dir : source), source, [.. reader.Hosts.Select(h => h.ToRun())], reader.Answers, expect)
        {
            Description = $"replay of the recorded journal {source}",
            Ordering = WorldOrdering.Strict,
            Start = records.Count > 0 ? records[0].Ts : Scenario.DefaultStart,
            Notes = [.. notes ?? [], .. reader.Notes, .. reader.FallbackNotes(), .. reader.HostOnlyNote() is { } hostOnly ? [hostOnly] : Array.Empty<string>()],
        };
    }

    private static JournalRecord ReadRecord(ReadOnlySpan<byte> line, string path, string location, int number)
    {
        try
        {
            return JournalFile.ParseLine(line, number, location);
        }
        catch (JournalFormatException ex)
        {
            // The journal's own words for the problem; the location in the form every replay input uses.
            var json = ex.InnerException as JsonException;
            throw new ScenarioFormatException(path, json?.Path ?? "$", number, (int)(json?.BytePositionInLine ?? 0) + 1, ex.Problem, ex);
        }
    }

    /// <summary>Walks the records in order, building the hosts and the world.</summary>
    private sealed class Reader(bool buildxRecorded, string source)
    {
        private readonly SortedDictionary<string, int> _hostOnly = new(StringComparer.Ordinal);

        // Failed calls of a journal from before failures were recorded as data: replayed with their whole message.
        private readonly List<long> _failuresWithoutData = [];

        private readonly Dictionary<string, HostDraft> _current = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HostDraft> _builds = new(StringComparer.Ordinal);

        public List<HostDraft> Hosts { get; } = [];

        public List<ScriptedAnswer> Answers { get; } = [];

        public List<ExpectedTransition> Transitions { get; } = [];

        public List<string> Notes { get; } = [];

        public void Add(JournalRecord record)
        {
            switch (record.Kind)
            {
                case JournalRecordKind.Transition:
                    AddTransition(record);
                    break;
                case JournalRecordKind.Effect:
                    AddEffect(record);
                    break;
            }
        }

        private void AddTransition(JournalRecord record)
        {
            var (from, to, @event) = LifecycleEventCodec.Decode(record);
            Transitions.Add(new ExpectedTransition(@event.Trigger, from, to, record.Session));
            HostDraft? host;
            switch (@event)
            {
                case SetupStarted started:
                    host = Begin("setup", record.Session);
                    host.Setup = started.Setup;
                    break;
                case SessionAttached attached:
                    host = Begin("setup", record.Session);
                    host.Setup = new SetupFacts(attached.CacheKey, "agent");
                    break;
                case BuilderAttached foreign:
                    host = Begin("setup", record.Session);
                    host.Setup = foreign.Setup;
                    break;
                case BuildStarted build:
                    host = _builds[build.BuildId] = Begin("build", record.Session);
                    host.BuildId = build.BuildId;
                    host.Name = build.Name;
                    break;
                case PostRequested:
                    host = Begin("post", record.Session);
                    break;
                case BuildFinished finished:
                    host = _builds.GetValueOrDefault(finished.BuildId);
                    if (host is not null)
                    {
                        host.Finish = finished;
                    }

                    break;
                default:
                    host = _current.GetValueOrDefault(record.Session);
                    break;
            }

            if (host is null)
            {
                Notes.Add(string.Create(CultureInfo.InvariantCulture, $"line {record.Seq}: {@event.Trigger} of session {record.Session} belongs to no host the journal shows"));
                return;
            }

            host.Last(@event.Trigger, to);
            switch (@event)
            {
                case DiskMounted mounted:
                    host.MountPoint = mounted.MountPoint;
                    break;
                case DaemonReady ready:
                    host.ReadyOutcome(ready.BudgetMilliseconds, record.Seq);
                    break;
                case SetupFailed failed:
                    host.SetupFailed = true;
                    if (failed.Step == AwaitDaemonReadyHandler.Step)
                    {
                        host.ReadyOutcome(failed.BudgetMilliseconds, record.Seq);
                    }

                    if (failed.Step == "register" && !buildxRecorded)
                    {
                        Builder(record, RegisterFailure(failed, record));
                    }

                    break;
                case BuilderRegistered registered:
                    Builder(record, new ScriptedAnswer
                    {
                        Call = PortCalls.BuildxRegister.Name,
                        Value = JsonSerializer.SerializeToElement(
                            new RegisteredBuilder(registered.BuilderName, registered.Builder), Orchestration.Recording.EffectJsonContext.Default.RegisteredBuilder),
                    });
                    break;
                case FallbackActivated fallback:
                    host.FallbackActivated = true;
                    Builder(record, Returning(PortCalls.BuildxActivateFallback.Name, fallback.BuilderName));
                    break;
            }
        }

        private void AddEffect(JournalRecord record)
        {
            var effect = record.Payload.Deserialize(JournalJsonContext.Default.EffectRecord)
                ?? throw new JournalFormatException(record.Seq, "empty effect payload");
            var call = $"{effect.Port}.{effect.Method}";
            if (call == PortCalls.BuildxBuild.Name)
            {
                // A build is replayed from its recorded outcome (BuildFinished); buildx itself is not run again.
                return;
            }

            if (effect.Port == LeftoverSweep.Port)
            {
                // Cleaning up after an earlier job is no part of this job's lifecycle, and not replayed.
                return;
            }

            if (IsHostOnly(call))
            {
                // The hosts' own reports (metrics, the control plane) are best effort and decide nothing; the replay
                // runs the sequences, not the hosts, so nothing would ask for them. They are counted and said.
                _hostOnly[call] = _hostOnly.GetValueOrDefault(call) + 1;
                return;
            }

            if (!PortCalls.IsScripted(call))
            {
                throw new JournalFormatException(record.Seq, $"an effect of an unknown call '{call}' (known: {string.Join(", ", PortCalls.Scripted)})");
            }

            var host = _current.GetValueOrDefault(record.Session);
            if (host is not null && call == PortCalls.DaemonSpawn.Name && effect.Arguments.TryGetValue("address", out var address))
            {
                host.DaemonAddress = address;
            }

            if (host is not null && call == PortCalls.BlockDeviceMount.Name && effect.Arguments.TryGetValue("mountPoint", out var mountPoint))
            {
                host.MountPoint = mountPoint;
            }

            Answers.Add(Answer(effect, call, record));
            host?.LastEffect(Answers.Count - 1);
        }

        /// <summary>
        /// The answer to the register call a journal without buildx effects implies: its recorded failure; in a journal
        /// from before failures were recorded as data, a failure of the call itself with the whole recorded message.
        /// </summary>
        private ScriptedAnswer RegisterFailure(SetupFailed failed, JournalRecord record)
        {
            var answer = new ScriptedAnswer { Call = PortCalls.BuildxRegister.Name, Reply = ScriptedReply.Fails };
            if (failed.Failure is { } failure)
            {
                return Failing(answer, failure);
            }

            _failuresWithoutData.Add(record.Seq);
            return answer with { Message = failed.Message };
        }

        /// <summary>The builder registry is not journaled yet: its answer is what the transition after it recorded.</summary>
        private void Builder(JournalRecord record, ScriptedAnswer answer)
        {
            if (!buildxRecorded)
            {
                Answers.Add(answer with { Session = record.Session, Origin = string.Create(CultureInfo.InvariantCulture, $"{source} line {record.Seq} ({record.Type})") });
            }
        }

        private ScriptedAnswer Answer(EffectRecord effect, string call, JournalRecord record)
        {
            var answer = new ScriptedAnswer
            {
                Call = call,
                Session = record.Session,
                Delay = TimeSpan.FromMilliseconds(Math.Max(0, effect.DurationMs)),
                Origin = string.Create(CultureInfo.InvariantCulture, $"{source} line {record.Seq}"),
            };
            return effect.Outcome switch
            {
                EffectOutcome.Succeeded when PortCalls.ScriptedCall(call).ScriptedValueType is null => answer,
                EffectOutcome.Succeeded => answer with { Value = effect.Result ?? JsonDocument.Parse("null").RootElement.Clone() },
                // The adapter's failure as it recorded it: the same operation, kind, words and exit code.
                EffectOutcome.TimedOut or EffectOutcome.Failed when effect.Failure is { } failure => Failing(answer, failure),
                EffectOutcome.TimedOut => WithoutData(answer with { Reply = ScriptedReply.Fails, ErrorKind = ExternalErrorKind.Timeout, Message = effect.Message }, record),
                EffectOutcome.Failed when Enum.TryParse<ExternalErrorKind>(effect.ErrorKind, ignoreCase: false, out var kind) =>
                    WithoutData(answer with { Reply = ScriptedReply.Fails, ErrorKind = kind, Message = effect.Message }, record),
                EffectOutcome.Failed => answer with { Reply = ScriptedReply.Crashes, Message = effect.Message },
                // Cut off by a deadline (or the host's cancellation): it hangs until the same deadline cuts it off again.
                _ => answer with { Reply = ScriptedReply.Hangs, Delay = TimeSpan.Zero },
            };
        }

        private static ScriptedAnswer Failing(ScriptedAnswer answer, CallFailure failure) => answer with
        {
            Reply = ScriptedReply.Fails,
            ErrorKind = failure.Kind,
            Operation = failure.Operation,
            Message = failure.Message,
            ExitCode = failure.ExitCode,
        };

        /// <summary>A failure recorded before failures were data: the call itself fails, with the message as recorded.</summary>
        private ScriptedAnswer WithoutData(ScriptedAnswer answer, JournalRecord record)
        {
            _failuresWithoutData.Add(record.Seq);
            return answer;
        }

        /// <summary>What this journal lacks that the replay assumed instead, one note each; empty for a journal that lacks nothing.</summary>
        public IEnumerable<string> FallbackNotes()
        {
            if (_failuresWithoutData.Count > 0)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"line(s) {string.Join(", ", _failuresWithoutData)}: a failure recorded without its data (a journal from before failed calls were journaled as operation, kind and exit code); replayed as a failure of the call itself with the whole recorded message, so the replay's words for it may differ from the recording's");
            }

            foreach (var host in Hosts.Where(h => h is { ReadyBudget: null, ReadyWithoutBudget: not null }))
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"line {host.ReadyWithoutBudget}: the readiness wait of session {host.Session} records no budget (a journal from before budgets were journaled); replayed under the setup host's, {StepBudgets.Hosts.DaemonReady.TotalSeconds:0.#} s");
            }
        }

        /// <summary>The note saying which recorded host reports the replay leaves out, or null when there were none.</summary>
        public string? HostOnlyNote() => _hostOnly.Count == 0
            ? null
            : "not replayed, as they come from the hosts and decide nothing: " + string.Join(", ", _hostOnly.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} x{c.Value}")));

        private static bool IsHostOnly(string call) =>
            PortCalls.IsAny(call, PortCalls.StickyDiskReportMetric, PortCalls.ControlPlaneBuildStarted, PortCalls.ControlPlaneBuildFinished, PortCalls.ControlPlaneFailure, PortCalls.TelemetryExport);

        private HostDraft Begin(string kind, string session)
        {
            var host = new HostDraft(kind, session);
            Hosts.Add(host);
            _current[session] = host;
            return host;
        }

        private static ScriptedAnswer Returning(string call, string value) =>
            new() { Call = call, Value = JsonSerializer.SerializeToElement(value, Orchestration.Recording.EffectJsonContext.Default.String) };
    }

    /// <summary>One host as the journal shows it, gathered record by record.</summary>
    private sealed class HostDraft(string kind, string session)
    {
        public string Kind { get; } = kind;

        public string Session { get; } = session;

        public SetupFacts? Setup { get; set; }

        public string? BuildId { get; set; }

        public string? Name { get; set; }

        public BuildFinished? Finish { get; set; }

        public string? MountPoint { get; set; }

        public string? DaemonAddress { get; set; }

        /// <summary>The readiness budget the recording names (the last one, as a restarted daemon waits again under the same).</summary>
        public TimeSpan? ReadyBudget { get; private set; }

        /// <summary>The first line whose readiness outcome names no budget (an older journal); null when none.</summary>
        public long? ReadyWithoutBudget { get; private set; }

        public bool SetupFailed { get; set; }

        public bool FallbackActivated { get; set; }

        public LifecycleTrigger? LastTrigger { get; private set; }

        public LifecycleState LastTo { get; private set; }

        public int? LastEffectIndex { get; private set; }

        public void Last(LifecycleTrigger trigger, LifecycleState to)
        {
            LastTrigger = trigger;
            LastTo = to;
            LastEffectIndex = null;
        }

        public void LastEffect(int index) => LastEffectIndex = index;

        /// <summary>An outcome of the readiness wait, with the budget it names (null in an older journal).</summary>
        public void ReadyOutcome(long? budgetMilliseconds, long sequence)
        {
            if (budgetMilliseconds is { } budget)
            {
                ReadyBudget = TimeSpan.FromMilliseconds(budget);
            }
            else
            {
                ReadyWithoutBudget ??= sequence;
            }
        }

        /// <summary>Whether the recording shows the host's whole run (else it was killed where its records end).</summary>
        public bool Complete => Kind switch
        {
            "setup" => LastTrigger is LifecycleTrigger.BuilderRegistered or LifecycleTrigger.FallbackActivated or LifecycleTrigger.SessionAttached
                or LifecycleTrigger.BuilderAttached or LifecycleTrigger.SetupFailed,
            "build" => Finish is not null,
            _ => LastTrigger is LifecycleTrigger.CommitRequested or LifecycleTrigger.CommitFailed
                || (LastTrigger is LifecycleTrigger.Drained or LifecycleTrigger.PostRequested && LastTo is not (LifecycleState.Draining or LifecycleState.Committing)),
        };

        public HostEnd Ends => Complete ? HostEnd.Completed : HostEnd.Killed;

        public HostRun ToRun() => Kind switch
        {
            "setup" => new SetupRun(Session, new SetupPlanInputs(
                Setup!.CacheKey,
                Setup.Store,
                Setup.CommitMode,
                Setup.ForkPullRequest,
                Setup.ReleaseOnSkip,
                // A setup that failed and never fell back was told not to (or was killed right there, which ends it the same).
                NoFallback: SetupFailed && !FallbackActivated,
                MountPoint ?? Setup.Root ?? SetupPlanInputs.DefaultMountPoint,
                DaemonAddress ?? Setup.Address ?? SetupPlanInputs.DefaultDaemonAddress,
                // A journal that names no budget ran under the host's (the hosts have never had another), and a setup
                // that never waited for readiness needs none.
                ReadyBudget ?? StepBudgets.Hosts.DaemonReady,
                Setup.MaxCacheSizeMegabytes))
            {
                KilledAfter = Complete || LastEffectIndex is not null ? null : LastTrigger?.ToString(),
            },
            "build" => new BuildRun(Session, BuildId!, Name!, Finish?.Outcome ?? BuildOutcome.Running, Finish?.Detail),
            _ => new PostRun(Session) { KilledAfter = Complete || LastEffectIndex is not null ? null : LastTrigger?.ToString() },
        };
    }
}
