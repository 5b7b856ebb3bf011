using System.Text.Json;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Orchestration.Status;
using Blacksmith.Steps.Build;
using Blacksmith.Steps.Job;
using Blacksmith.Steps.Post;
using Blacksmith.Steps.Reports;
using Blacksmith.Steps.Setup;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Replay;

/// <summary>
/// Replays a job: builds the engine through the composition root with a scripted world behind every port, an
/// in-memory journal and a virtual clock, runs the job's hosts one after another through the job driver every host
/// calls (<see cref="JobDriver"/>: the sweep after earlier jobs and the setup sequence, the build sequence, the post
/// sequence), and reports what happened against what the scenario expects. Deterministic: the same scenario always
/// gives the same report, and no replay waits in real time.
/// </summary>
public static class ReplayRunner
{
    /// <summary>The job directory the hosts are told about; nothing is written there (the daemon is scripted).</summary>
    public const string JobDirectory = "/tmp/blacksmith-replay";

    public static ReplayReport Run(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var clock = new VirtualTime(scenario.Start);
        var world = new ScriptedWorld(scenario.World, scenario.Ordering, clock, scenario.HealthyBase ? HealthyWorld.Answers : null, scenario.Machine)
        {
            JobDirectory = JobDirectory,
        };
        var journal = new ScriptedJournal(world);
        var log = new ReplayLog();
        foreach (var note in scenario.Notes)
        {
            log.Warn(note);
        }

        using var engine = ReplayEngine.Borrow(world, journal, clock, log);
        var provider = engine.Services;

        var sweep = new SweepReplay(provider, scenario, world, clock);
        var job = new JobReplay(provider, journal, engine.Builds, world, sweep, log, clock);
        var hosts = new List<ReplayHost>(scenario.Job.Count);
        for (var i = 0; i < scenario.Job.Count; i++)
        {
            hosts.Add(job.Run(i + 1, scenario.Job[i], clock));
        }

        return Report(scenario, journal.Records, hosts, world, sweep.Leftovers, log);
    }

    /// <summary>An effect's returned value, or its error kind and message, for reports.</summary>
    internal static string? Detail(EffectRecord effect) => effect.Outcome == EffectOutcome.Succeeded
        ? effect.Result?.GetRawText()
        : effect.ErrorKind is null ? effect.Message : $"{effect.ErrorKind}: {effect.Message}";

    private static ReplayReport Report(
        Scenario scenario, IReadOnlyList<JournalRecord> records, List<ReplayHost> hosts, ScriptedWorld world, IReadOnlyList<ReplayLeftover> leftovers, ReplayLog log)
    {
        var timeline = new List<ReplayTransition>();
        var effects = new List<ReplayEffect>();
        foreach (var record in records)
        {
            var at = (long)(record.Ts - scenario.Start).TotalMilliseconds;
            switch (record.Kind)
            {
                case JournalRecordKind.Transition:
                    var (from, to, @event) = LifecycleEventCodec.Decode(record);
                    timeline.Add(new ReplayTransition(record.Seq, at, record.Session, @event.Trigger, from, to));
                    break;
                case JournalRecordKind.Effect:
                    var effect = record.Payload.Deserialize(JournalJsonContext.Default.EffectRecord)!;
                    effects.Add(new ReplayEffect(record.Seq, at, record.Session, record.Type, effect.Outcome, effect.DurationMs, Detail(effect)));
                    break;
            }
        }

        var status = JobStatus.From(records);
        var settlements = effects
            .Where(e => e.Call == PortCalls.StickyDiskSettle.Name)
            .Select(e => records[(int)e.Sequence - 1].Payload.Deserialize(JournalJsonContext.Default.EffectRecord)!)
            .Select(e => e.Arguments.TryGetValue("commit", out var commit) && bool.TryParse(commit, out var yes) && yes ? "commit" : "release")
            .ToList();
        var report = new ReplayReport(
            scenario.Name,
            scenario.Source,
            hosts,
            timeline,
            effects,
            status.State,
            status.Decision,
            status.CommitAccepted,
            Outputs(status),
            log.Warnings,
            log.Errors,
            world.Divergence,
            [])
        {
            Leftovers = leftovers,
            Journal = records,
        };
        return report with { Unmet = ExpectationCheck.Unmet(scenario.Expect, report, settlements, world.Divergence is null ? world.Unused : []) };
    }

    private static Dictionary<string, string> Outputs(JobStatus status)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal) { ["mode"] = status.Mode.ToString() };
        if (status.BuilderName is { } builder)
        {
            outputs["builder"] = builder;
        }

        if (status.CacheKey is { } key)
        {
            outputs["cacheKey"] = key;
        }

        outputs["commit"] = status.Decision switch
        {
            CommitDecision.Commit when status.CommitAccepted == true => "requested",
            CommitDecision.Commit when status.CommitAccepted == false => "failed",
            CommitDecision.Commit => "pending",
            CommitDecision.Skip => "skipped",
            _ => "none",
        };
        if (status.Decision is CommitDecision.Skip skip)
        {
            outputs["reason"] = skip.Reason.ToString();
        }

        return outputs;
    }

    /// <summary>
    /// One replayed job in progress: the hosts run so far and what they left for the next ones. Each host calls the job
    /// driver as its real counterpart does (<see cref="JobDriver"/>), over the scripted world: the sweep before a setup
    /// is the observed one (<see cref="SweepReplay"/>), a setup's fork check answers from its inputs, and a build's end
    /// from the scenario (<see cref="ScriptedImageBuilder"/>). Failure reports, metrics and build reports are left out:
    /// they decide nothing, and a recorded journal's replay has no script for them.
    /// </summary>
    private sealed class JobReplay
    {
        private readonly ScriptedWorld _world;
        private readonly SweepReplay _sweep;
        private readonly ReplayLog _log;
        private readonly ScriptedJournal _journal;
        private readonly ScriptedImageBuilder _builds;
        private readonly ScriptedForkPullRequest _fork = new();
        private readonly JobDriver _driver;
        private bool _jobFailed;

        public JobReplay(
            IServiceProvider services, ScriptedJournal journal, ScriptedImageBuilder builds, ScriptedWorld world, SweepReplay sweep, ReplayLog log, TimeProvider clock)
        {
            _world = world;
            _sweep = sweep;
            _log = log;
            // The scenario's own journal and builder: the engine's ports only forward to them.
            _journal = journal;
            _builds = builds;
            var controlPlane = services.GetRequiredService<IControlPlane>();
            _driver = new JobDriver(
                new JobSequences(services.GetRequiredService<SetupSequence>(), services.GetRequiredService<BuildSequence>(), services.GetRequiredService<PostSequence>()),
                services.GetRequiredService<LifecycleJournal>(),
                _journal,
                services.GetRequiredService<IStickyDiskStore>(),
                controlPlane,
                new JobSideEffects(sweep, sweep.Claims, new FailureReporter(controlPlane, enabled: false), _fork, new ScriptedDaemonLog(), JobReporting.None),
                clock);
        }

        public ReplayHost Run(int index, HostRun host, VirtualTime clock)
        {
            if (_world.Divergence is not null)
            {
                return new ReplayHost(index, host.Kind, host.Session, HostEnd.NotRun, "the replay had diverged before");
            }

            _world.BeginHost(Inputs(host), host.KilledAfter);
            var end = HostEnd.Completed;
            string? detail = null;
            var flow = VirtualTimeLoop.Run(async () => (end, detail) = await RunAsync(index, host), clock);
            var stopped = _world.EndHost();
            _sweep.Finish();
            if (_world.Divergence is { } divergence)
            {
                (end, detail) = (HostEnd.Diverged, $"at {divergence.Call}: {divergence.Reason}");
            }
            else if (stopped is not null)
            {
                (end, detail) = (HostEnd.Killed, stopped);
            }
            else if (!flow.IsCompleted)
            {
                (end, detail) = (HostEnd.Hung, $"waited forever on {_world.LastCall ?? "nothing"}: nothing cuts the wait short");
            }
            else if (flow.Exception?.GetBaseException() is { } crash)
            {
                (end, detail) = (HostEnd.Crashed, crash.Message);
                _log.Error($"{host.Kind} host {host.Session} crashed: {crash.Message}");
            }
            else if (flow.IsCanceled)
            {
                (end, detail) = (HostEnd.Crashed, "cancelled");
            }

            _jobFailed |= end is HostEnd.Killed or HostEnd.Hung or HostEnd.Crashed or HostEnd.Refused;
            return new ReplayHost(index, host.Kind, host.Session, end, detail);
        }

        private Task<(HostEnd, string?)> RunAsync(int index, HostRun host) => host switch
        {
            SetupRun setup => SetupAsync(index, setup),
            BuildRun build => BuildAsync(build),
            PostRun post => PostAsync(post),
            ForeignStep step => Task.FromResult(Foreign(step)),
            _ => throw new ArgumentException($"Unknown host kind {host.Kind}", nameof(host)),
        };

        private async Task<(HostEnd, string?)> SetupAsync(int index, SetupRun run)
        {
            // The driver sweeps first, under the setup's session, as the setup host does; the replay watches that sweep.
            _sweep.Prepare(index, run.Session);
            _fork.IsFork = run.Inputs.ForkPullRequest;
            var before = _journal.Records.Count;
            var result = await _driver.SetupAsync(run.Inputs.ToRequest(run.Session, JobDirectory), CancellationToken.None);
            var outcome = result.Outcome!;
            var snapshot = outcome.Snapshot;
            if (outcome.Refusal is { } refused)
            {
                _log.Error($"setup {run.Session}: {refused.Message}");
                return (Journaled(before) ? HostEnd.Completed : HostEnd.Refused, refused.Message);
            }

            if (snapshot.State == LifecycleState.Failed)
            {
                _jobFailed = true;
                _log.Error($"setup failed: {snapshot.SetupFailure}");
                foreach (var error in outcome.Errors)
                {
                    _log.Error($"setup {run.Session}: {error}");
                }
            }
            else if (snapshot is { Mode: BuilderMode.Fallback, IsOwner: true })
            {
                _log.Warn($"setup failed ({snapshot.SetupFailure}); builds use the fallback builder {snapshot.BuilderName}, without the sticky disk");
            }

            return (HostEnd.Completed, null);
        }

        private async Task<(HostEnd, string?)> BuildAsync(BuildRun run)
        {
            _builds.Next = new ScriptedBuild(run.Outcome, run.Detail, run.DaemonDies);
            // A build host killed mid-build never learns how it ended; the job's failure is what it was.
            _jobFailed |= run.Outcome is not (BuildOutcome.Succeeded or BuildOutcome.Running);
            var result = await _driver.BuildAsync(run.Session, run.BuildId, new BuildInputs { Tags = [run.Name] }, CancellationToken.None);
            if (result.Run.NotTracked is { } refused)
            {
                _log.Error($"build {run.Name}: {refused.Message}");
                return (HostEnd.Refused, refused.Message);
            }

            return (HostEnd.Completed, null);
        }

        private async Task<(HostEnd, string?)> PostAsync(PostRun run)
        {
            var before = _journal.Records.Count;
            // Where a killed setup's leftovers would be: the root and address its setup recorded, in this job directory.
            var launch = new DaemonLaunch(SetupPlanInputs.DefaultDaemonAddress, SetupPlanInputs.DefaultMountPoint, JobDirectory);
            var result = await _driver.PostAsync(PostRequest.ForSession(run.Session, launch), CancellationToken.None);
            var outcome = result.Outcome!;
            foreach (var error in outcome.Errors)
            {
                _log.Error($"post {run.Session}: {error}");
            }

            if (outcome.Refusal is { } refused)
            {
                _log.Error($"post {run.Session}: {refused.Message}");
                return (Journaled(before) ? HostEnd.Completed : HostEnd.Refused, refused.Message);
            }

            var snapshot = outcome.Snapshot;
            if (snapshot.IsOwner && snapshot.CommitAccepted == false)
            {
                _log.Error($"commit request failed: {snapshot.CommitError}; the cache stays at its previous generation");
            }

            if (snapshot.IsOwner && snapshot.Disk.Released == false)
            {
                _log.Warn($"the store refused the release of {snapshot.Disk.ExposeId}; the exposure ends with the job");
            }

            if (!result.Released)
            {
                // As the post host fails its step: something the job held is still held, so nothing was released or committed.
                _log.Error($"post could not release everything this job held: {string.Join("; ", JobHoldings.Project(snapshot)?.Describe() ?? [])}");
            }

            return (HostEnd.Completed, null);
        }

        private (HostEnd, string?) Foreign(ForeignStep step)
        {
            _jobFailed |= !step.Succeeded;
            if (step.DaemonDies)
            {
                _world.KillDaemon();
            }

            return (HostEnd.Completed, step.Succeeded ? null : "failed");
        }

        private bool Journaled(int before) => _journal.Records.Skip(before).Any(r => r.Kind == JournalRecordKind.Transition);

        /// <summary>What the host's inputs answer: a post's job-status input answers the earlier-steps check.</summary>
        private Dictionary<string, ScriptedAnswer>? Inputs(HostRun host)
        {
            if (host is not PostRun post)
            {
                return null;
            }

            var status = post.JobStatus ?? (_jobFailed ? JobStatusInput.Failure : JobStatusInput.Success);
            var report = status switch
            {
                JobStatusInput.Success => new EarlierStepsReport(EarlierStepsResult.Succeeded, "job-status input", "success"),
                JobStatusInput.Failure => new EarlierStepsReport(EarlierStepsResult.Failed, "job-status input", "failure"),
                JobStatusInput.Cancelled => new EarlierStepsReport(EarlierStepsResult.Cancelled, "job-status input", "cancelled"),
                _ => new EarlierStepsReport(EarlierStepsResult.Inconclusive, "job-status input", "no job status was given"),
            };
            return new Dictionary<string, ScriptedAnswer>(StringComparer.Ordinal)
            {
                [PortCalls.EarlierStepsCheck.Name] = new()
                {
                    Call = PortCalls.EarlierStepsCheck.Name,
                    Value = JsonSerializer.SerializeToElement(report, EffectJsonContext.Default.EarlierStepsReport),
                    Times = null,
                    Origin = $"post {post.Session}'s job status ({status.ToString().ToLowerInvariant()})",
                },
            };
        }
    }
}
