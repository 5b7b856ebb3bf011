using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

public sealed class RunnerDiagnosticsProbeTests : IDisposable
{
    private static readonly DateTime Start = new(2025, 8, 17, 10, 14, 58, DateTimeKind.Utc);

    private readonly TempDirectory _runner = new();

    public RunnerDiagnosticsProbeTests() => Directory.CreateDirectory(Diag);

    public void Dispose() => _runner.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Diag => Path.Combine(_runner.Path, "_diag");

    private static WorkerLog Log(DateTime? start = null) => new(start ?? Start);

    private string Page(DateTime opened, WorkerLog log)
    {
        var path = Path.Combine(Diag, WorkerLog.PageName(opened));
        File.AppendAllText(path, log.ToString());
        return path;
    }

    private Task<EarlierStepsReport> ScanAsync() => new RunnerDiagnosticsProbe([Diag]).CheckAsync(Token);

    [Fact]
    public async Task A_job_whose_steps_all_succeeded_is_unknown_never_a_pass()
    {
        Page(Start, Log().WorkerStarts()
            .Step("Set up job").Step("Run actions/checkout@v4").Step("Run useblacksmith/setup-docker-builder@v1")
            .SkippedStep("Run deploy").Step("Run make test", "SucceededWithIssues").Noise(20)
            .CurrentStep("Post Run useblacksmith/setup-docker-builder@v1"));

        var report = await ScanAsync();

        // An undocumented trace can show a failure, but its silence proves nothing: the commit is skipped.
        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Equal(RunnerDiagnosticsProbe.Source, report.Source);
        Assert.Contains("1 Worker log page", report.Detail, StringComparison.Ordinal);
        Assert.Contains("none failed or cancelled", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_step_fails_and_is_named()
    {
        Page(Start, Log().WorkerStarts().Step("Set up job").Step("Run make test", "Failed").Step("Run upload", "Succeeded")
            .CurrentStep("Post setup"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Failed, report.Result);
        Assert.Contains("step 'Run make test' Failed", report.Detail, StringComparison.Ordinal);
        Assert.Contains(WorkerLog.PageName(Start), report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_spelled_as_the_runner_spells_it_is_detected()
    {
        Page(Start, Log().WorkerStarts().Step("Set up job").Step("Run long tests", "Canceled").CurrentStep("Post setup"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Cancelled, report.Result);
        Assert.Contains("Canceled", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_wins_over_an_earlier_failure_as_in_the_runner()
    {
        Page(Start, Log().WorkerStarts().Step("a", "Failed").Step("b", "Canceled"));

        Assert.Equal(EarlierStepsResult.Cancelled, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task A_job_cancelled_between_steps_is_cancelled_by_its_job_state()
    {
        var log = Log().WorkerStarts().Step("a")
            .Line("StepsRunner", "Processing step: DisplayName='b'")
            .Line("StepsRunner", "Skipping step due to condition evaluation.")
            .Line("StepsRunner", "Current state: job state = 'Canceled'");
        Page(Start, log);

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Cancelled, report.Result);
        Assert.Contains("the job Canceled", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_on_an_earlier_page_of_the_same_job_is_found()
    {
        Page(Start, Log().WorkerStarts().Step("Run make test", "Failed").Noise(50));
        Page(Start.AddMinutes(3), Log(Start.AddMinutes(3)).Noise(50).Step("Run lint"));
        Page(Start.AddMinutes(6), Log(Start.AddMinutes(6)).Step("Run package").CurrentStep("Post setup"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Failed, report.Result);
        Assert.Contains(WorkerLog.PageName(Start), report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_of_an_earlier_job_on_a_reused_runner_are_not_read()
    {
        var earlier = Start.AddHours(-2);
        Page(earlier, Log(earlier).WorkerStarts().Step("Run make test", "Failed"));
        Page(earlier.AddMinutes(1), Log(earlier.AddMinutes(1)).Step("Run cleanup", "Canceled"));
        Page(Start, Log().WorkerStarts().Step("Set up job").Noise(10));
        Page(Start.AddMinutes(1), Log(Start.AddMinutes(1)).Step("Run build").CurrentStep("Post setup"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("2 Worker log pages", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_earlier_job_appended_to_the_same_page_is_not_read()
    {
        // A Worker that opens a page in the second an earlier one opened it appends to the same file.
        Page(Start, Log().WorkerStarts().Step("Run make test", "Failed"));
        Page(Start, Log().WorkerStarts().Step("Run build").CurrentStep("Post setup"));

        Assert.Equal(EarlierStepsResult.Inconclusive, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task Workflow_text_in_the_job_message_or_telemetry_cannot_pose_as_a_result()
    {
        var log = Log().WorkerStarts()
            .Line("Worker", "Job message:\nStep result: Failed\n[not a header] Step result: Failed\n  Current state: job state = 'Failed'")
            .Step("Run build");
        Page(Start, log);

        Assert.Equal(EarlierStepsResult.Inconclusive, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task A_failed_step_inside_a_composite_that_continued_on_error_counts_as_job_status_counts_it()
    {
        Page(Start, Log().WorkerStarts().EmbeddedStepTelemetry("flaky", "Failed").Step("Run ./my-composite", "Succeeded"));

        Assert.Equal(EarlierStepsResult.Inconclusive, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task An_unreadable_page_is_inconclusive_not_a_pass()
    {
        Page(Start, Log().WorkerStarts().Step("Run build"));
        // A page that vanished between listing and reading (a dangling link is listed but cannot be opened).
        File.CreateSymbolicLink(Path.Combine(Diag, WorkerLog.PageName(Start.AddMinutes(5))), Path.Combine(_runner.Path, "gone.log"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains($"{WorkerLog.PageName(Start.AddMinutes(5))} could not be read", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_older_page_is_inconclusive_when_the_job_start_was_not_reached()
    {
        File.CreateSymbolicLink(Path.Combine(Diag, WorkerLog.PageName(Start)), Path.Combine(_runner.Path, "gone.log"));
        Page(Start.AddMinutes(5), Log(Start.AddMinutes(5)).Step("Run build"));

        Assert.Equal(EarlierStepsResult.Inconclusive, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task A_failure_is_known_even_when_an_older_page_is_unreadable()
    {
        File.CreateSymbolicLink(Path.Combine(Diag, WorkerLog.PageName(Start)), Path.Combine(_runner.Path, "gone.log"));
        Page(Start.AddMinutes(5), Log(Start.AddMinutes(5)).Step("Run build", "Failed"));

        Assert.Equal(EarlierStepsResult.Failed, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task Without_the_start_of_the_job_the_answer_is_inconclusive()
    {
        Page(Start, Log().Step("Run build"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("starts was not found", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_without_step_results_is_inconclusive()
    {
        Page(Start, Log().WorkerStarts().Noise(5).CurrentStep("Post setup"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("no step results", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_the_runner_is_not_known_to_print_is_inconclusive()
    {
        // The JS action looked for "Cancelled"; the runner never prints it, so a reader seeing it must not guess.
        Page(Start, Log().WorkerStarts().Step("Run build").Line("StepsRunner", "Step result: Cancelled"));

        var report = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("'Cancelled'", report.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_are_not_Worker_pages_are_ignored()
    {
        Page(Start, Log().WorkerStarts().Step("Run build"));
        await File.WriteAllTextAsync(Path.Combine(Diag, "Runner_20250817-101458-utc.log"), Log().WorkerStarts().Step("x", "Failed").ToString(), Token);
        await File.WriteAllTextAsync(Path.Combine(Diag, "Worker_backup.log"), Log().WorkerStarts().Step("x", "Failed").ToString(), Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task The_page_the_Worker_is_still_writing_can_be_read()
    {
        var path = Page(Start, Log().WorkerStarts().Step("Run build", "Failed"));
        // HostTraceListener's open mode for a page.
        using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 4096);

        Assert.Equal(EarlierStepsResult.Failed, (await ScanAsync()).Result);
    }

    [Fact]
    public async Task No_diag_directory_or_no_pages_is_inconclusive()
    {
        var missing = Path.Combine(_runner.Path, "elsewhere", "_diag");

        var none = await new RunnerDiagnosticsProbe([missing]).CheckAsync(Token);
        var empty = await ScanAsync();

        Assert.Equal(EarlierStepsResult.Inconclusive, none.Result);
        Assert.Contains(missing, none.Detail, StringComparison.Ordinal);
        Assert.Equal(EarlierStepsResult.Inconclusive, empty.Result);
        Assert.Contains("no Worker_*.log", empty.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_existing_candidate_directory_is_read()
    {
        Page(Start, Log().WorkerStarts().Step("Run build", "Failed"));

        var report = await new RunnerDiagnosticsProbe([Path.Combine(_runner.Path, "nope"), Diag]).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Failed, report.Result);
    }
}
