using System.Globalization;
using System.Text.Json;
using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Replay;

/// <summary>
/// Reads a scenario file (docs/replay.md; schema in docs/replay.schema.json). Every problem is a
/// <see cref="ScenarioFormatException"/> naming the line and the JSON path, and unknown properties are refused, so a
/// typo never silently changes what a scenario tests.
/// </summary>
public static class ScenarioFile
{
    private static readonly Dictionary<string, CommitMode> CommitModes = new(StringComparer.Ordinal)
    {
        ["auto"] = CommitMode.Auto,
        ["always-on-success"] = CommitMode.AlwaysOnSuccess,
        ["never"] = CommitMode.Never,
    };

    private static readonly Dictionary<string, BuildOutcome> BuildOutcomes = new(StringComparer.Ordinal)
    {
        ["succeeded"] = BuildOutcome.Succeeded,
        ["failed"] = BuildOutcome.Failed,
        ["cancelled"] = BuildOutcome.Cancelled,
        ["killed"] = BuildOutcome.Running,
    };

    private static readonly Dictionary<string, bool> StepOutcomes = new(StringComparer.Ordinal) { ["succeeded"] = true, ["failed"] = false };

    private static readonly Dictionary<string, JobStatusInput> JobStatuses = Lowercase<JobStatusInput>();
    private static readonly Dictionary<string, ExpectedDecision> Decisions = Lowercase<ExpectedDecision>();
    private static readonly Dictionary<string, HostEnd> HostEnds = Lowercase<HostEnd>();
    private static readonly Dictionary<string, WorldOrdering> Orderings = Lowercase<WorldOrdering>();
    private static readonly Dictionary<string, bool> Bases = new(StringComparer.Ordinal) { ["none"] = false, ["healthy"] = true };
    private static readonly Dictionary<string, LeftoverOutcome> LeftoverOutcomes = Lowercase<LeftoverOutcome>();
    private static readonly Dictionary<string, string> SettlementKinds = new(StringComparer.Ordinal) { ["commit"] = "commit", ["release"] = "release" };
    private static readonly string[] Outcomes = ["value", "error", "hang", "bug"];
    private static readonly string[] AnswerProperties = ["value", "error", "message", "hang", "bug", "delayMs", "times", "daemonDies", "killHost", "session"];
    private static readonly string[] SequencedAnswerProperties = [.. AnswerProperties, "call"];

    // The machine's answers concern other jobs' processes: the job's own daemon does not die of them.
    private static readonly string[] MachineAnswerProperties = [.. AnswerProperties.Where(p => p != "daemonDies")];
    private static readonly Dictionary<string, bool> Always = new(StringComparer.Ordinal) { ["always"] = true };

    public static Scenario Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a scenario from its UTF-8 text; <paramref name="source"/> names it in messages and gives its name.</summary>
    public static Scenario Parse(ReadOnlySpan<byte> utf8, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? p : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new ScenarioFormatException(source, ex.Path ?? "$", (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1,
                $"not valid JSON: {(cut > 0 ? message[..cut] : message)}", ex);
        }

        using (document)
        {
            var root = new ScenarioNode(document.RootElement, "$", source, new JsonLocations(utf8))
                .Object("$schema", "description", "ordering", "base", "start", "machine", "job", "world", "expect");
            var ordering = root.Optional("ordering")?.OneOf(Orderings) ?? WorldOrdering.Loose;
            var name = System.IO.Path.GetFileNameWithoutExtension(source);
            var (machine, maxJobDuration) = ReadMachine(root.Optional("machine"));
            var expect = root.Required("expect");
            var expectations = ReadExpectations(expect);
            foreach (var (jobDirectory, _) in expectations.Leftovers ?? new Dictionary<string, ExpectedLeftover>())
            {
                if (!machine.Claims.Any(c => c.JobDirectory == jobDirectory))
                {
                    throw expect.Required("leftovers").Required(jobDirectory).Fail($"the machine has no claim of {jobDirectory} (its claims: {Names(machine.Claims.Select(c => c.JobDirectory))})");
                }
            }

            return new Scenario(name, source, ReadJob(root.Required("job")), ReadWorld(root.Optional("world"), ordering), expectations)
            {
                Description = root.Optional("description")?.String(),
                Ordering = ordering,
                HealthyBase = root.Optional("base")?.OneOf(Bases) ?? false,
                Start = root.Optional("start") is { } start ? ReadTime(start) : Scenario.DefaultStart,
                Machine = machine,
                MaxJobDuration = maxJobDuration,
            };
        }
    }

    private static List<HostRun> ReadJob(ScenarioNode job)
    {
        var hosts = new List<HostRun>();
        var awaitingPost = new List<string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in job.Items())
        {
            var kind = item.Required("host").OneOf(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["setup"] = "setup",
                ["build"] = "build",
                ["post"] = "post",
                ["foreign"] = "foreign",
            });
            var n = counts[kind] = counts.GetValueOrDefault(kind) + 1;
            HostRun host = kind switch
            {
                "setup" => ReadSetup(item, n),
                "build" => ReadBuild(item, n),
                "post" => ReadPost(item, n, awaitingPost),
                _ => ReadForeign(item, n),
            };
            if (host is SetupRun)
            {
                awaitingPost.Add(host.Session);
            }

            hosts.Add(host);
        }

        return hosts.Count > 0 ? hosts : throw job.Fail("a job needs at least one host");
    }

    private static SetupRun ReadSetup(ScenarioNode item, int n)
    {
        item.Object("host", "session", "cacheKey", "store", "commit", "forkPullRequest", "releaseOnSkip", "nofallback", "mountPoint", "daemonAddress", "readyBudgetSeconds", "maxCacheSizeMb", "killedAfter");
        var inputs = new SetupPlanInputs(
            item.Optional("cacheKey")?.NonEmptyString() ?? "acme/web",
            item.Optional("store")?.NonEmptyString() ?? "agent",
            item.Optional("commit")?.OneOf(CommitModes) ?? CommitMode.Auto,
            item.Optional("forkPullRequest")?.Bool() ?? false,
            item.Optional("releaseOnSkip")?.Bool() ?? true,
            item.Optional("nofallback")?.Bool() ?? false,
            item.Optional("mountPoint")?.NonEmptyString() ?? SetupPlanInputs.DefaultMountPoint,
            item.Optional("daemonAddress")?.NonEmptyString() ?? SetupPlanInputs.DefaultDaemonAddress,
            item.Optional("readyBudgetSeconds") is { } budget ? TimeSpan.FromSeconds(budget.Number(0)) : null,
            item.Optional("maxCacheSizeMb")?.Integer(1));
        return new SetupRun(Session(item, $"setup-{n}"), inputs) { KilledAfter = KilledAfter(item) };
    }

    private static BuildRun ReadBuild(ScenarioNode item, int n)
    {
        item.Object("host", "session", "buildId", "name", "outcome", "detail", "daemonDies");
        var session = Session(item, $"build-{n}");
        return new BuildRun(
            session,
            item.Optional("buildId")?.NonEmptyString() ?? $"{session}-b",
            item.Optional("name")?.NonEmptyString() ?? $"app-{n}",
            item.Optional("outcome")?.OneOf(BuildOutcomes) ?? BuildOutcome.Succeeded,
            item.Optional("detail")?.String(),
            item.Optional("daemonDies")?.Bool() ?? false);
    }

    private static PostRun ReadPost(ScenarioNode item, int n, List<string> awaitingPost)
    {
        item.Object("host", "session", "jobStatus", "killedAfter");
        // Post steps run in reverse order of their setups: by default, a post belongs to the latest setup without one.
        var session = item.Optional("session")?.NonEmptyString() ?? (awaitingPost.Count > 0 ? awaitingPost[^1] : $"post-{n}");
        awaitingPost.Remove(session);
        return new PostRun(session, item.Optional("jobStatus")?.OneOf(JobStatuses)) { KilledAfter = KilledAfter(item) };
    }

    private static ForeignStep ReadForeign(ScenarioNode item, int n)
    {
        item.Object("host", "name", "outcome", "daemonDies");
        return new ForeignStep(
            item.Optional("name")?.NonEmptyString() ?? $"step-{n}",
            item.Optional("outcome")?.OneOf(StepOutcomes) ?? true,
            item.Optional("daemonDies")?.Bool() ?? false);
    }

    private static string Session(ScenarioNode item, string fallback) => item.Optional("session")?.NonEmptyString() ?? fallback;

    private static string? KilledAfter(ScenarioNode item) => item.Optional("killedAfter")?.Named<LifecycleTrigger>().ToString();

    private static List<ScriptedAnswer> ReadWorld(ScenarioNode? world, WorldOrdering ordering)
    {
        if (world is not { } node)
        {
            return [];
        }

        if (node.Element.ValueKind == JsonValueKind.Array)
        {
            return [.. node.Items().Select(item => ReadAnswer(item, item.Required("call").OneOf(KnownCalls()), SequencedAnswerProperties))];
        }

        if (ordering == WorldOrdering.Strict)
        {
            throw node.Fail("with \"ordering\": \"strict\" the world is an array of calls in the order they must come");
        }

        return ReadKeyedWorld(node, PortCalls.Scripted, AnswerProperties);
    }

    /// <summary>A world keyed by call, each with its list of answers (only <paramref name="calls"/> may be named).</summary>
    private static List<ScriptedAnswer> ReadKeyedWorld(ScenarioNode node, IReadOnlyList<string> calls, string[] properties)
    {
        var answers = new List<ScriptedAnswer>();
        foreach (var (call, list) in node.Properties())
        {
            if (!calls.Contains(call, StringComparer.Ordinal))
            {
                throw list.Fail($"unknown call '{call}' (known: {string.Join(", ", calls)})");
            }

            var before = answers.Count;
            answers.AddRange(list.Items().Select(item => ReadAnswer(item, call, properties)));
            if (answers.Count == before)
            {
                // An empty list scripts the call all the same: making it at all is a divergence.
                answers.Add(new ScriptedAnswer { Call = call, Times = 0, Origin = $"{System.IO.Path.GetFileName(list.Source)} {list.Path}" });
            }
        }

        return answers;
    }

    private static ScriptedAnswer ReadAnswer(ScenarioNode item, string call, string[] properties)
    {
        item.Object(properties);
        var outcomes = Outcomes.Where(item.Has).ToList();
        if (outcomes.Count > 1)
        {
            throw item.Fail($"give one of value, error, hang or bug, not {string.Join(" and ", outcomes)}");
        }

        var valueType = PortCalls.ScriptedCall(call).ScriptedValueType;
        var answer = new ScriptedAnswer
        {
            Call = call,
            Delay = item.Optional("delayMs") is { } delay ? TimeSpan.FromMilliseconds(delay.Integer(0)) : TimeSpan.Zero,
            Times = ReadTimes(item.Optional("times")),
            DaemonDies = item.Optional("daemonDies")?.Bool() ?? false,
            KillsHost = item.Optional("killHost")?.Bool() ?? false,
            Session = item.Optional("session")?.NonEmptyString(),
            Origin = $"{System.IO.Path.GetFileName(item.Source)} {item.Path}",
        };
        switch (outcomes.FirstOrDefault())
        {
            case "value":
                var value = item.Required("value");
                if (valueType is null)
                {
                    throw value.Fail($"{call} returns nothing: leave 'value' out");
                }

                CheckValue(value, call, valueType);
                return answer with { Value = value.Element.Clone(), Message = Message(item, "value") };
            case "error":
                return answer with
                {
                    Reply = ScriptedReply.Fails,
                    ErrorKind = item.Required("error").Named<ExternalErrorKind>(),
                    Message = item.Optional("message")?.String(),
                };
            case "hang":
                return item.Required("hang").Bool()
                    ? answer with { Reply = ScriptedReply.Hangs, Message = Message(item, "hang") }
                    : throw item.Required("hang").Fail("'hang' can only be true (leave it out otherwise)");
            case "bug":
                return answer with { Reply = ScriptedReply.Crashes, Message = item.Required("bug").String() };
            default:
                return valueType is null
                    ? answer with { Message = Message(item, "a success") }
                    : throw item.Fail($"{call} returns a value: give 'value' (or an error, hang or bug)");
        }
    }

    /// <summary>A count, or "always" (null: the answer is never used up).</summary>
    private static int? ReadTimes(ScenarioNode? times)
    {
        if (times is not { } node)
        {
            return 1;
        }

        if (node.Element.ValueKind == JsonValueKind.String)
        {
            node.OneOf(Always);
            return null;
        }

        return (int)Math.Min(node.Integer(1), 1_000_000);
    }

    private static string? Message(ScenarioNode item, string what) =>
        item.Optional("message") is { } message ? throw message.Fail($"'message' goes with an error; {what} has none") : null;

    private static void CheckValue(ScenarioNode value, string call, System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        object? parsed;
        try
        {
            parsed = value.Element.Deserialize(type);
        }
        catch (JsonException ex)
        {
            throw value.Fail($"not a valid {call} value ({type.Type.Name}): {ex.Message}", ex);
        }

        if (parsed is null && !PortCalls.ScriptedCall(call).MayReturnNull)
        {
            throw value.Fail($"{call} cannot return null");
        }
    }

    /// <summary>The machine the job shares with other jobs (docs/replay.md, "The machine"); the empty one when the scenario has none.</summary>
    private static (ScriptedMachine Machine, TimeSpan? MaxJobDuration) ReadMachine(ScenarioNode? node)
    {
        if (node is not { } machine)
        {
            return (ScriptedMachine.Empty, null);
        }

        machine.Object("bootId", "maxJobDuration", "running", "claims", "mounts", "exposures", "world");
        var bootId = machine.Optional("bootId")?.NonEmptyString() ?? ScriptedMachine.DefaultBootId;
        TimeSpan? maxJobDuration = null;
        if (machine.Optional("maxJobDuration") is { } duration)
        {
            try
            {
                maxJobDuration = LeftoverSettings.ParseDuration(duration.NonEmptyString());
            }
            catch (CiInputException ex)
            {
                throw duration.Fail("expected a positive duration: minutes (90), or a number with s, m, h or d (6h)", ex);
            }
        }

        var claims = new List<JobClaim>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in machine.Optional("claims")?.Items() ?? [])
        {
            var claim = ReadClaim(item, bootId);
            var directory = item.Required("jobDirectory");
            if (claims.Any(c => c.JobDirectory == claim.JobDirectory))
            {
                throw directory.Fail($"a second claim of {claim.JobDirectory}: a job directory has one claim");
            }

            if (System.IO.Path.TrimEndingDirectorySeparator(claim.JobDirectory) == ReplayRunner.JobDirectory)
            {
                throw directory.Fail($"{ReplayRunner.JobDirectory} is the replayed job's own directory; the machine's claims are other jobs'");
            }

            claims.Add(claim);
            if (item.Optional("reported")?.Bool() == true)
            {
                reported.Add(claim.JobDirectory);
            }
        }

        return (new ScriptedMachine
        {
            BootId = bootId,
            Running = machine.Optional("running")?.Items().Select(ReadProcess).ToList() ?? [],
            Claims = claims,
            Reported = reported,
            Mounts = machine.Optional("mounts")?.Properties().ToDictionary(p => p.Name, p => p.Value.NonEmptyString(), StringComparer.Ordinal),
            Exposures = machine.Optional("exposures")?.Items().Select(ReadExposure).ToList(),
            Script = machine.Optional("world") is { } world ? ReadKeyedWorld(world, PortCalls.Sweep, MachineAnswerProperties) : [],
        }, maxJobDuration);
    }

    /// <summary>A process that runs: its pid, or <c>{"pid", "startTimeTicks", "launchedFor"}</c>.</summary>
    private static ScriptedProcess ReadProcess(ScenarioNode item)
    {
        if (item.Element.ValueKind == JsonValueKind.Number)
        {
            return new ScriptedProcess(Pid(item));
        }

        item.Object("pid", "startTimeTicks", "launchedFor");
        return new ScriptedProcess(Pid(item.Required("pid")), item.Optional("startTimeTicks")?.Integer(0), item.Optional("launchedFor")?.NonEmptyString());
    }

    private static JobClaim ReadClaim(ScenarioNode item, string machineBootId)
    {
        item.Object("jobDirectory", "owner", "bootId", "createdAt", "reported", "holdings");
        ClaimOwner? owner = null;
        if (item.Optional("owner") is { } node)
        {
            node.Object("pid", "startTimeTicks", "command", "kind");
            owner = new ClaimOwner(
                Pid(node.Required("pid")),
                node.Optional("startTimeTicks")?.Integer(0) ?? 0,
                node.Optional("command")?.NonEmptyString(),
                node.Required("kind").Named<ClaimOwnerKind>());
        }

        return new JobClaim(
            item.Required("jobDirectory").NonEmptyString(),
            owner,
            item.Optional("bootId")?.NonEmptyString() ?? machineBootId,
            ReadTime(item.Required("createdAt")),
            ReadHoldings(item.Optional("holdings")));
    }

    private static JobHoldings ReadHoldings(ScenarioNode? node)
    {
        if (node is not { } holdings)
        {
            return new JobHoldings(null, null, null, null);
        }

        holdings.Object("root", "address", "store", "cacheKey", "daemon", "exposeId", "device", "mountPoint");
        var root = holdings.Optional("root")?.NonEmptyString();
        var address = holdings.Optional("address")?.NonEmptyString();
        DaemonIdentity? daemon = null;
        if (holdings.Optional("daemon") is { } spawned)
        {
            spawned.Object("pid", "startTimeTicks", "address");
            daemon = new DaemonIdentity(
                Pid(spawned.Required("pid")),
                spawned.Optional("startTimeTicks")?.Integer(0) ?? 0,
                spawned.Optional("address")?.NonEmptyString() ?? address ?? string.Empty,
                Root: root);
        }

        return new JobHoldings(root, address, holdings.Optional("store")?.NonEmptyString(), holdings.Optional("cacheKey")?.NonEmptyString())
        {
            Daemon = daemon,
            ExposeId = holdings.Optional("exposeId")?.NonEmptyString(),
            Device = holdings.Optional("device")?.NonEmptyString(),
            MountPoint = holdings.Optional("mountPoint")?.NonEmptyString(),
        };
    }

    private static ScriptedExposure ReadExposure(ScenarioNode item)
    {
        item.Object("holder", "exposeId", "device");
        return new ScriptedExposure(
            item.Required("holder").NonEmptyString(),
            item.Required("exposeId").NonEmptyString(),
            item.Optional("device")?.String() ?? string.Empty);
    }

    private static int Pid(ScenarioNode node) =>
        node.Integer(1) is var pid && pid <= int.MaxValue ? (int)pid : throw node.Fail("expected a pid (at most 2147483647)");

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";

    private static Dictionary<string, string> KnownCalls() => PortCalls.Scripted.ToDictionary(c => c, c => c, StringComparer.Ordinal);

    private static ScenarioExpectations ReadExpectations(ScenarioNode expect)
    {
        expect.Object("state", "decision", "reason", "also", "transitions", "hosts", "outputs", "warnings", "errors", "settlements", "leftovers");
        return new ScenarioExpectations
        {
            State = expect.Optional("state")?.Named<LifecycleState>(),
            Decision = expect.Optional("decision")?.OneOf(Decisions),
            Reason = expect.Optional("reason")?.Named<SkipReason>(),
            Also = expect.Optional("also")?.Items().Select(i => i.Named<SkipReason>()).ToList(),
            Transitions = expect.Optional("transitions")?.Items().Select(ReadTransition).ToList(),
            Hosts = expect.Optional("hosts")?.Items().Select(i => i.OneOf(HostEnds)).ToList(),
            Outputs = expect.Optional("outputs")?.Properties().ToDictionary(p => p.Name, p => p.Value.String(), StringComparer.Ordinal),
            Warnings = expect.Optional("warnings")?.Items().Select(i => i.NonEmptyString()).ToList(),
            Errors = expect.Optional("errors")?.Items().Select(i => i.NonEmptyString()).ToList(),
            Settlements = expect.Optional("settlements")?.Items().Select(i => i.OneOf(SettlementKinds)).ToList(),
            Leftovers = expect.Optional("leftovers")?.Properties().ToDictionary(p => p.Name, p => ReadLeftover(p.Value), StringComparer.Ordinal),
        };
    }

    private static ExpectedLeftover ReadLeftover(ScenarioNode item)
    {
        item.Object("outcome", "why", "reported", "stopped", "unmounted", "released", "committed", "problems", "notes");
        return new ExpectedLeftover
        {
            Outcome = item.Optional("outcome")?.OneOf(LeftoverOutcomes),
            Why = item.Optional("why")?.NonEmptyString(),
            Reported = item.Optional("reported") is { } reported ? (int)Math.Min(reported.Integer(0), int.MaxValue) : null,
            Stopped = item.Optional("stopped")?.Items().Select(Pid).ToList(),
            Unmounted = Texts(item.Optional("unmounted")),
            Released = Texts(item.Optional("released")),
            Committed = Texts(item.Optional("committed")),
            Problems = Texts(item.Optional("problems")),
            Notes = Texts(item.Optional("notes")),
        };
    }

    private static List<string>? Texts(ScenarioNode? list) => list?.Items().Select(i => i.NonEmptyString()).ToList();

    private static ExpectedTransition ReadTransition(ScenarioNode item)
    {
        if (item.Element.ValueKind == JsonValueKind.String)
        {
            return new ExpectedTransition(item.Named<LifecycleTrigger>());
        }

        item.Object("trigger", "from", "to", "session");
        return new ExpectedTransition(
            item.Required("trigger").Named<LifecycleTrigger>(),
            item.Optional("from")?.Named<LifecycleState>(),
            item.Optional("to")?.Named<LifecycleState>(),
            item.Optional("session")?.NonEmptyString());
    }

    private static DateTimeOffset ReadTime(ScenarioNode node) =>
        DateTimeOffset.TryParse(node.String(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw node.Fail("expected a date and time such as 2026-01-01T00:00:00Z");

    private static Dictionary<string, T> Lowercase<T>()
        where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(v => KebabCase(v.ToString()), v => v, StringComparer.Ordinal);

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
}
