using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Tests.Ci.GitHub;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing.Fakes;

namespace Blacksmith.Infrastructure.Tests.Ci;

public sealed class JobStatusProbeTests : IDisposable
{
    private readonly GitHubStep _step = new();
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        _step.Dispose();
        _temp.Dispose();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("success", EarlierStepsResult.Succeeded)]
    [InlineData("failure", EarlierStepsResult.Failed)]
    [InlineData("cancelled", EarlierStepsResult.Cancelled)]
    public async Task The_job_status_input_answers_on_GitHub(string status, EarlierStepsResult expected)
    {
        _step.Environment["INPUT_JOB-STATUS"] = status;
        var fallback = new FakeEarlierStepsProbe { Report = new(EarlierStepsResult.Failed, "fallback") };

        var report = await new JobStatusProbe(_step.Runtime, fallback).CheckAsync(Token);

        Assert.Equal(expected, report.Result);
        Assert.Equal("INPUT_JOB-STATUS", report.Source);
        Assert.Contains(status, report.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EarlierStepsResult.Failed)]
    [InlineData(EarlierStepsResult.Cancelled)]
    public async Task Without_the_input_a_failure_the_fallback_found_answers_and_a_warning_says_the_fallback_was_used(EarlierStepsResult found)
    {
        var fallback = new FakeEarlierStepsProbe { Report = new(found, "runner _diag Worker logs", "step 'x' Canceled") };

        var report = await new JobStatusProbe(_step.Runtime, fallback).CheckAsync(Token);

        Assert.Equal(fallback.Report, report);
        var warning = Assert.Single(_step.LogLines, l => l.StartsWith("::warning::", StringComparison.Ordinal));
        Assert.Contains("runner _diag Worker logs", warning, StringComparison.Ordinal);
        Assert.Contains("job-status input at its default", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_input_a_fallback_that_saw_no_failure_is_unknown_never_a_pass()
    {
        var fallback = new FakeEarlierStepsProbe { Report = new(EarlierStepsResult.Succeeded, "runner _diag Worker logs", "3 step results, none failed") };

        var report = await new JobStatusProbe(_step.Runtime, fallback).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Equal("runner _diag Worker logs", report.Source);
        Assert.Contains("3 step results, none failed", report.Detail, StringComparison.Ordinal);
        var warning = Assert.Single(_step.LogLines, l => l.StartsWith("::warning::", StringComparison.Ordinal));
        Assert.Contains("does not commit the cache", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("skipped")]
    [InlineData("maybe")]
    public async Task On_GitHub_a_status_the_probe_does_not_know_is_inconclusive_with_a_warning_annotation_naming_it(string status)
    {
        _step.Environment["INPUT_JOB-STATUS"] = status;

        var report = await new JobStatusProbe(_step.Runtime, new FakeEarlierStepsProbe()).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        var warning = Assert.Single(_step.LogLines, l => l.StartsWith("::warning::", StringComparison.Ordinal));
        Assert.Contains($"INPUT_JOB-STATUS is '{status}'", warning, StringComparison.Ordinal);
        Assert.Contains("does not commit the cache", warning, StringComparison.Ordinal);
        Assert.Contains("job-status input at its default", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("running")]
    [InlineData("maybe")]
    public async Task On_generic_ci_a_status_the_probe_does_not_know_is_inconclusive_with_a_warning_saying_how_to_pass_one(string status)
    {
        var log = new StringWriter();
        var runtime = Generic(log, ("job-status", status));

        var report = await new JobStatusProbe(runtime).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        var warning = Assert.Single(Lines(log));
        Assert.StartsWith("Warning: The job status from --job-status is '" + status + "'", warning, StringComparison.Ordinal);
        Assert.Contains("--job-status or BLACKSMITH_JOB_STATUS", warning, StringComparison.Ordinal);
        Assert.Contains("CI_JOB_STATUS", warning, StringComparison.Ordinal);
        Assert.Contains("BUILDKITE_COMMAND_EXIT_STATUS", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_generic_ci_without_a_status_and_without_a_fallback_the_answer_is_inconclusive_and_a_warning_says_how_to_give_one()
    {
        var log = new StringWriter();
        var runtime = Generic(log);

        var report = await new JobStatusProbe(runtime).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("--job-status or BLACKSMITH_JOB_STATUS", report.Detail, StringComparison.Ordinal);
        var warning = Assert.Single(Lines(log));
        Assert.StartsWith("Warning: No job status was given (--job-status or BLACKSMITH_JOB_STATUS)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_GitHub_without_the_input_an_inconclusive_fallback_is_a_warning_too()
    {
        var fallback = new FakeEarlierStepsProbe { Report = new(EarlierStepsResult.Inconclusive, "runner _diag Worker logs", "no Worker log found") };

        var report = await new JobStatusProbe(_step.Runtime, fallback).CheckAsync(Token);

        Assert.Equal(fallback.Report, report);
        var warning = Assert.Single(_step.LogLines, l => l.StartsWith("::warning::", StringComparison.Ordinal));
        Assert.Contains("no Worker log found", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_status_warns_about_nothing()
    {
        var log = new StringWriter();

        _ = await new JobStatusProbe(Generic(log, ("job-status", "success"))).CheckAsync(Token);

        Assert.Empty(Lines(log));
    }

    [Theory]
    [InlineData("failed", EarlierStepsResult.Failed)]
    [InlineData("canceled", EarlierStepsResult.Cancelled)]
    [InlineData("success", EarlierStepsResult.Succeeded)]
    public async Task GitLabs_CI_JOB_STATUS_can_be_passed_as_it_is(string status, EarlierStepsResult expected)
    {
        var runtime = Generic(TextWriter.Null, ("job-status", status));

        var report = await new JobStatusProbe(runtime).CheckAsync(Token);

        Assert.Equal(expected, report.Result);
        Assert.Equal("--job-status", report.Source);
    }

    private static string[] Lines(StringWriter log) => log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private GenericCiRuntime Generic(TextWriter log, params (string Name, string Value)[] flags) => new(
        new GenericCiOptions { StateDirectory = _temp.Path, Inputs = flags.ToDictionary(f => f.Name, f => (string?)f.Value) },
        new DictionaryEnvironment(),
        log,
        TextWriter.Null,
        new Random(1),
        TimeProvider.System,
        new SecretMasker());
}
