using Blacksmith.Orchestration.Telemetry;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Telemetry;

public sealed class JobTraceBuilderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_job_of_separate_steps_becomes_a_job_span_a_span_per_step_and_a_span_per_call_under_its_step()
    {
        var trace = JobTraceBuilder.Build(GitHubJob("setup-1", "build-a", "build-b", "post-1").Records, parent: null)!;

        var job = trace.Job;
        Assert.Equal((TraceSpanKind.Job, "job", (string?)null), (job.Kind, job.Name, job.ParentSpanId));
        var steps = trace.Spans.Where(s => s.Kind == TraceSpanKind.Step).ToList();
        Assert.Equal(["setup", "build api", "build web", "post"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal(job.SpanId, s.ParentSpanId));
        Assert.Equal(["stickydisk.expose", "blockdevice.mount", "buildkitd.spawn", "buildx.register"], CallsOf(trace, "setup"));
        Assert.Equal(["buildx.build"], CallsOf(trace, "build api"));
        Assert.Equal(["buildkitd.signal", "blockdevice.unmount", "stickydisk.settle"], CallsOf(trace, "post"));
        Assert.Equal(["SetupStarted", "DiskExposed", "DiskMounted", "BuilderRegistered"], steps[0].Events.Select(e => e.Name));
        Assert.Equal(trace.Spans.Count, trace.Spans.Select(s => s.SpanId).Distinct().Count());
    }

    [Fact]
    public void A_call_span_starts_its_recorded_duration_before_its_record_and_a_step_spans_its_calls()
    {
        var journal = GitHubJob("setup-1", "build-a", "build-b", "post-1");
        var trace = JobTraceBuilder.Build(journal.Records, parent: null)!;

        var expose = journal.Records.Single(r => r.Type == "stickydisk.expose");
        var span = trace.Spans.Single(s => s.Name == "stickydisk.expose");
        Assert.Equal((expose.Ts - TimeSpan.FromMilliseconds(400), expose.Ts), (span.Start, span.End));
        var setup = trace.Spans.Single(s => s.Name == "setup");
        Assert.True(setup.Start <= span.Start && span.End <= setup.End, $"{setup.Start:O}..{setup.End:O} does not hold {span.Start:O}..{span.End:O}");
        Assert.Equal(trace.Spans.Min(s => s.Start), trace.Job.Start);
        Assert.Equal(journal.Records.Max(r => r.Ts), trace.Job.End);
    }

    [Fact]
    public void The_same_journal_always_makes_the_same_trace_and_another_job_another_trace_id()
    {
        var faker = new Faker { Random = new Randomizer(105) };
        var sessions = Enumerable.Range(0, 4).Select(_ => $"{faker.Hacker.Verb()}-{faker.Random.Hexadecimal(8, prefix: "")}").ToArray();
        var records = GitHubJob(sessions).Records;

        var first = JobTraceBuilder.Build(records, parent: null)!;
        var again = JobTraceBuilder.Build(records.ToList(), parent: null)!;
        var other = JobTraceBuilder.Build(GitHubJob([$"{sessions[0]}x", .. sessions[1..]]).Records, parent: null)!;

        Assert.Equal(first.TraceId, again.TraceId);
        Assert.Equal(first.Spans.Select(s => s.SpanId), again.Spans.Select(s => s.SpanId));
        Assert.NotEqual(first.TraceId, other.TraceId);
        Assert.Matches("^[0-9a-f]{32}$", first.TraceId);
        Assert.All(first.Spans, s => Assert.Matches("^[0-9a-f]{16}$", s.SpanId));
    }

    [Fact]
    public void Under_a_CI_trace_context_the_trace_takes_its_id_and_the_job_span_its_parent()
    {
        var parent = TraceParent.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!;

        var trace = JobTraceBuilder.Build(GitHubJob("setup-1", "build-a", "build-b", "post-1").Records, parent)!;

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", trace.TraceId);
        Assert.Equal("00f067aa0ba902b7", trace.Job.ParentSpanId);
        Assert.Equal(parent, trace.Parent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")]
    public void A_trace_context_that_is_not_a_W3C_traceparent_is_ignored(string value) =>
        Assert.Null(TraceParent.Parse(value));

    [Fact]
    public void A_failed_call_is_an_error_span_with_its_message_and_makes_its_step_an_error()
    {
        var journal = new TraceJournal(Start)
            .Transition("setup-1", "SetupStarted", "Idle", "Mounting", """{"setup":{"cacheKey":"shop"}}""")
            .Effect("setup-1", "stickydisk.expose", 45000, "TimedOut", """{"cacheKey":"shop"}""", error: "stickydisk expose: no answer in 45 s")
            .Transition("setup-1", "SetupFailed", "Mounting", "Failed", """{"reason":"expose timed out"}""");

        var trace = JobTraceBuilder.Build(journal.Records, parent: null)!;

        var call = trace.Spans.Single(s => s.Kind == TraceSpanKind.Call);
        Assert.Equal((TraceSpanStatus.Error, "stickydisk expose: no answer in 45 s"), (call.Status, call.StatusMessage));
        Assert.Contains(call.Tags, t => t is { Key: "blacksmith.call.outcome", Text: "TimedOut" });
        Assert.Contains(call.Tags, t => t is { Key: "blacksmith.call.arg.cacheKey", Text: "shop" });
        Assert.Equal(TraceSpanStatus.Error, trace.Spans.Single(s => s.Name == "setup").Status);
        Assert.All(GitHubTrace().Spans.Where(s => s.Kind == TraceSpanKind.Call), s => Assert.Equal(TraceSpanStatus.Ok, s.Status));
    }

    [Fact]
    public void The_decision_and_its_reason_are_attributes_of_the_job_and_of_post()
    {
        var journal = GitHubJob("setup-1", "build-a", "build-b", "post-1", decision: """{"decision":"skip","reason":"BuildFailed","detail":"1 build(s) failed: web","also":[]}""");

        var trace = JobTraceBuilder.Build(journal.Records, parent: null)!;

        foreach (var span in new[] { trace.Job, trace.Spans.Single(s => s.Name == "post") })
        {
            Assert.Contains(span.Tags, t => t is { Key: "blacksmith.decision", Text: "skip" });
            Assert.Contains(span.Tags, t => t is { Key: "blacksmith.decision.reason", Text: "BuildFailed" });
        }

        Assert.Contains(trace.Job.Tags, t => t is { Key: "blacksmith.cache_key", Text: "shop" });
        Assert.Contains(trace.Spans.Single(s => s.Name == "build web").Tags, t => t is { Key: "blacksmith.build.outcome", Text: "Failed" });
    }

    [Fact]
    public void A_job_run_in_one_process_still_has_a_span_for_setup_each_build_and_post()
    {
        var trace = JobTraceBuilder.Build(GitHubJob("run-1", "run-1", "run-1", "run-1").Records, parent: null)!;

        Assert.Equal(["setup", "build api", "build web", "post"], trace.Spans.Where(s => s.Kind == TraceSpanKind.Step).Select(s => s.Name));
        Assert.Equal(["buildx.build"], CallsOf(trace, "build web"));
        Assert.Equal(["buildkitd.signal", "blockdevice.unmount", "stickydisk.settle"], CallsOf(trace, "post"));
    }

    [Fact]
    public void An_earlier_export_of_the_trace_is_not_part_of_it()
    {
        var journal = GitHubJob("setup-1", "build-a", "build-b", "post-1");
        var before = JobTraceBuilder.Build(journal.Records, parent: null)!;

        journal.Effect("post-1", "telemetry.export", 20, arguments: """{"destination":"http://127.0.0.1:4318/v1/traces"}""");
        var after = JobTraceBuilder.Build(journal.Records, parent: null)!;

        Assert.Equal(before.Spans.Select(s => (s.SpanId, s.Name, s.End)), after.Spans.Select(s => (s.SpanId, s.Name, s.End)));
    }

    [Fact]
    public void A_report_journaled_outside_any_session_belongs_to_the_step_that_was_running()
    {
        var journal = new TraceJournal(Start)
            .Effect("unscoped", "stickydisk.reportMetric", 3)
            .Transition("setup-1", "SetupStarted", "Idle", "Mounting", """{"setup":{"cacheKey":"shop"}}""")
            .Transition("setup-1", "BuilderRegistered", "Starting", "Ready", """{"builderName":"b"}""")
            .Effect("unscoped", "stickydisk.reportMetric", 2)
            .Transition("build-1", "BuildStarted", "Ready", "Building", """{"buildId":"b-1","name":"api"}""")
            .Transition("build-1", "BuildFinished", "Building", "Ready", """{"buildId":"b-1","outcome":"Succeeded"}""")
            .Effect("unscoped", "stickydisk.reportMetric", 2);

        var trace = JobTraceBuilder.Build(journal.Records, parent: null)!;

        Assert.Equal(["setup", "build api"], trace.Spans.Where(s => s.Kind == TraceSpanKind.Step).Select(s => s.Name));
        Assert.Equal(["stickydisk.reportMetric", "stickydisk.reportMetric"], CallsOf(trace, "setup"));
        Assert.Equal(["stickydisk.reportMetric"], CallsOf(trace, "build api"));
        Assert.Contains(trace.Spans.Single(s => s.Name == "setup").Tags, t => t is { Key: "blacksmith.session", Text: "setup-1" });
    }

    [Fact]
    public void An_empty_journal_has_no_trace() =>
        Assert.Null(JobTraceBuilder.Build([], parent: null));

    private static JobTrace GitHubTrace() => JobTraceBuilder.Build(GitHubJob("setup-1", "build-a", "build-b", "post-1").Records, parent: null)!;

    private static List<string> CallsOf(JobTrace trace, string step)
    {
        var stepSpan = trace.Spans.Single(s => s.Kind == TraceSpanKind.Step && s.Name == step);
        return trace.Spans.Where(s => s.ParentSpanId == stepSpan.SpanId).Select(s => s.Name).ToList();
    }

    /// <summary>A job as the three hosts journal it: setup, two builds (api, then web, which fails unless told), post.</summary>
    private static TraceJournal GitHubJob(params string[] sessions) => GitHubJob(sessions[0], sessions[1], sessions[2], sessions[3]);

    private static TraceJournal GitHubJob(string setup, string buildA, string buildB, string post, string decision = """{"decision":"commit","fsUsageBytes":90112}""")
    {
        var failed = decision.Contains("BuildFailed", StringComparison.Ordinal);
        return new TraceJournal(Start)
            .Transition(setup, "SetupStarted", "Idle", "Mounting", """{"setup":{"cacheKey":"shop","store":"local"}}""")
            .Effect(setup, "stickydisk.expose", 400, arguments: """{"cacheKey":"shop"}""")
            .Transition(setup, "DiskExposed", "Mounting", "Mounting", """{"exposeId":"e-1","device":"/dev/loop0"}""")
            .Effect(setup, "blockdevice.mount", 30, arguments: """{"device":"/dev/loop0"}""")
            .Transition(setup, "DiskMounted", "Mounting", "Starting", """{"mountPoint":"/var/lib/buildkit","formatted":false}""")
            .Effect(setup, "buildkitd.spawn", 20)
            .Effect(setup, "buildx.register", 150)
            .Transition(setup, "BuilderRegistered", "Starting", "Ready", """{"builderName":"blacksmith-1"}""")
            .Transition(buildA, "BuildStarted", "Ready", "Building", """{"buildId":"b-1","name":"api"}""")
            .Effect(buildA, "buildx.build", 1200, arguments: """{"buildId":"b-1","builder":"blacksmith-1"}""")
            .Transition(buildA, "BuildFinished", "Building", "Ready", """{"buildId":"b-1","outcome":"Succeeded"}""")
            .Transition(buildB, "BuildStarted", "Ready", "Building", """{"buildId":"b-2","name":"web"}""")
            .Effect(buildB, "buildx.build", 900, failed ? "Failed" : "Succeeded", """{"buildId":"b-2","builder":"blacksmith-1"}""", failed ? "buildx exited 1" : null)
            .Transition(buildB, "BuildFinished", "Building", "Ready", $$"""{"buildId":"b-2","outcome":"{{(failed ? "Failed" : "Succeeded")}}"}""")
            .Transition(post, "PostRequested", "Ready", "Draining")
            .Effect(post, "buildkitd.signal", 10)
            .Transition(post, "DaemonStopped", "Draining", "Draining", """{"outcome":"Graceful"}""")
            .Effect(post, "blockdevice.unmount", 90)
            .Transition(post, "DiskUnmounted", "Draining", "Draining", """{"clean":true}""")
            .Transition(post, "Drained", "Draining", "Committing")
            .Decision(post, decision)
            .Effect(post, "stickydisk.settle", 200, arguments: """{"exposeId":"e-1","commit":"True"}""")
            .Transition(post, "CommitRequested", "Committing", "Done");
    }
}
