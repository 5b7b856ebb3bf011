using System.Text.Json;
using Blacksmith.Hosting;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Resilience;

namespace Blacksmith.Hosts.Tests.Reports;

/// <summary>
/// The failures a Blacksmith runner's control plane hears of (protocols §4.3, report-failed): a sticky disk that could not
/// be set up, a builder that could not start, a post that could not clean up. Real HTTP on loopback, each report
/// recorded by the server; best effort, within one budget per step, and never for a user's mistake.
/// </summary>
public sealed class FailureReportTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Setup_that_falls_back_because_the_sticky_disk_failed_reports_STICKYDISK_SETUP_and_BUILDER_STARTUP()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);
        job.Engine.Store.ExposeFailure = new ExternalCallException("stickydisk.expose", ExternalErrorKind.Failed, "no capacity left in eu-central");

        var (exit, _) = await job.SetupAsync("setup-1");

        Assert.Equal(ExitCodes.Success, exit);
        var reports = Reports(plane);
        Assert.Equal(["STICKYDISK_SETUP", "BUILDER_STARTUP"], reports.Select(r => r.GetProperty("type").GetString()));
        Assert.All(reports, r =>
        {
            Assert.Equal("shop-image", r.GetProperty("stickydisk_key").GetString());
            Assert.Equal(ReportingJob.VmId, r.GetProperty("vm_id").GetString());
            Assert.Equal("quiet-otter", r.GetProperty("petname").GetString());
            Assert.Contains("no capacity left in eu-central", r.GetProperty("message").GetString(), StringComparison.Ordinal);
        });
        Assert.StartsWith("sticky disk setup: ", reports[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("fell back", reports[1].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_whose_builder_never_started_reports_BUILDER_STARTUP_alone()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);
        job.Settings = job.Settings with { Budgets = job.Settings.Budgets with { DaemonReady = TimeSpan.Zero } };
        job.Engine.Daemon.ProbeOverride = DaemonProbeStatus.NotReady;

        var (exit, _) = await job.SetupAsync("setup-1");

        Assert.Equal(ExitCodes.Success, exit);
        var report = Assert.Single(Reports(plane));
        Assert.Equal("BUILDER_STARTUP", report.GetProperty("type").GetString());
        Assert.Contains("not ready", report.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_that_fails_with_nofallback_still_reports_BUILDER_STARTUP()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);
        job.Engine.Daemon.SpawnFailure = new ExternalCallException("buildkitd.spawn", ExternalErrorKind.Missing, "buildkitd is not installed");

        var (exit, _) = await job.SetupAsync("setup-1", noFallback: true);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Equal(["BUILDER_STARTUP"], Reports(plane).Select(r => r.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_failed_setup_off_a_Blacksmith_runner_reports_nothing()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System, onBlacksmithRunner: false);
        job.Engine.Store.ExposeFailure = new ExternalCallException("stickydisk.expose", ExternalErrorKind.Failed, "no capacity");

        var (exit, _) = await job.SetupAsync("setup-1");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Empty(plane.Requests);
    }

    [Fact]
    public async Task A_second_setup_for_another_cache_key_is_bad_input_naming_both_keys_and_is_not_reported()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);

        var (first, _) = await job.SetupAsync("setup-1", "shop-image");
        var (second, log) = await job.SetupAsync("setup-2", "docs-image");

        Assert.Equal((ExitCodes.Success, ExitCodes.BadInput), (first, second));
        var error = Assert.Single(log.Split('\n'), l => l.StartsWith("::error::", StringComparison.Ordinal));
        Assert.Contains("'shop-image'", error, StringComparison.Ordinal);
        Assert.Contains("'docs-image'", error, StringComparison.Ordinal);
        Assert.Contains("the same cache-key", error, StringComparison.Ordinal);
        Assert.Empty(plane.Requests);
    }

    [Fact]
    public async Task Post_reports_BUILDER_CLEANUP_when_buildkitd_will_not_stop()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);
        Assert.Equal(ExitCodes.Success, (await job.SetupAsync("setup-1")).Exit);
        job.Engine.Daemon.IgnoresTerminate = true;
        job.Engine.Daemon.IgnoresKill = true;

        var (exit, log) = await job.PostAsync("setup-1");

        Assert.Equal(ExitCodes.Failed, exit);
        var report = Assert.Single(Reports(plane));
        Assert.Equal("BUILDER_CLEANUP", report.GetProperty("type").GetString());
        Assert.StartsWith("cleanup: buildkitd could not be stopped: ", report.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("buildkitd could not be stopped", Assert.Single(log.Split('\n'), l => l.StartsWith("::error::", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_reports_BUILDER_CLEANUP_when_the_disk_will_not_unmount()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);
        Assert.Equal(ExitCodes.Success, (await job.SetupAsync("setup-1")).Exit);
        job.Engine.Device.UnmountFailures.Enqueue(new ExternalCallException("blockdevice.unmount", ExternalErrorKind.Failed, "target is busy"));

        var (exit, _) = await job.PostAsync("setup-1");

        Assert.Equal(ExitCodes.Failed, exit);
        var report = Assert.Single(Reports(plane));
        Assert.Equal("BUILDER_CLEANUP", report.GetProperty("type").GetString());
        Assert.Contains("target is busy", report.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_job_reports_no_failure()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System);

        Assert.Equal(ExitCodes.Success, (await job.SetupAsync("setup-1")).Exit);
        Assert.Equal(ExitCodes.Success, (await job.PostAsync("setup-1")).Exit);

        Assert.Empty(plane.Requests);
    }

    [Fact]
    public async Task A_control_plane_that_never_answers_costs_the_step_its_report_budget_and_the_reports_are_recorded_as_timed_out()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        plane.NeverAnswers = true;
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        using var job = new ReportingJob(plane, time);
        job.Engine.Store.ExposeFailure = new ExternalCallException("stickydisk.expose", ExternalErrorKind.Failed, "no capacity");

        var setup = job.SetupAsync("setup-1");
        await plane.WaitForRequestsAsync(1, Ct);
        time.Advance(ReportBudget.PerStep);
        var (exit, _) = await setup;

        Assert.Equal(ExitCodes.Success, exit);
        // The first report used the whole budget, so the second was never sent; both ended as timed out.
        Assert.Single(plane.Requests);
        var failures = job.Engine.Journal.Records
            .Where(r => r.Kind == JournalRecordKind.Effect)
            .Select(r => JsonSerializer.Deserialize(r.Payload, JournalJsonContext.Default.EffectRecord)!)
            .Where(e => (e.Port, e.Method) == ("controlplane", "failure"))
            .ToList();
        Assert.Equal([EffectOutcome.TimedOut, EffectOutcome.TimedOut], failures.Select(f => f.Outcome));
        Assert.Equal(["StickyDiskSetup", "BuilderStartup"], failures.Select(f => f.Arguments["kind"]));
    }

    private static List<JsonElement> Reports(FakeControlPlane plane) =>
        [.. plane.Bodies.Where(b => b.Path == "stickydisks/report-failed").Select(b => JsonDocument.Parse(b.Body).RootElement.Clone())];
}
