using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Tests.Ci.GitHub;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
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

    [Fact]
    public async Task Without_the_input_the_fallback_answers()
    {
        var fallback = new FakeEarlierStepsProbe { Report = new(EarlierStepsResult.Cancelled, "runner _diag Worker logs", "step 'x' Canceled") };

        var report = await new JobStatusProbe(_step.Runtime, fallback).CheckAsync(Token);

        Assert.Equal(fallback.Report, report);
    }

    [Fact]
    public async Task A_status_the_probe_does_not_know_is_an_external_error_the_post_step_records_as_inconclusive()
    {
        _step.Environment["INPUT_JOB-STATUS"] = "skipped";

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => new JobStatusProbe(_step.Runtime).CheckAsync(Token));

        Assert.Equal(JobStatusProbe.Operation, error.Operation);
        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Contains("'skipped'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_generic_ci_without_a_status_and_without_a_fallback_the_answer_is_inconclusive_and_says_how_to_give_one()
    {
        var runtime = Generic();

        var report = await new JobStatusProbe(runtime).CheckAsync(Token);

        Assert.Equal(EarlierStepsResult.Inconclusive, report.Result);
        Assert.Contains("--job-status or BLACKSMITH_JOB_STATUS", report.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("failed", EarlierStepsResult.Failed)]
    [InlineData("canceled", EarlierStepsResult.Cancelled)]
    [InlineData("success", EarlierStepsResult.Succeeded)]
    public async Task GitLabs_CI_JOB_STATUS_can_be_passed_as_it_is(string status, EarlierStepsResult expected)
    {
        var runtime = Generic(("job-status", status));

        var report = await new JobStatusProbe(runtime).CheckAsync(Token);

        Assert.Equal(expected, report.Result);
        Assert.Equal("--job-status", report.Source);
    }

    private GenericCiRuntime Generic(params (string Name, string Value)[] flags) => new(
        new GenericCiOptions { StateDirectory = _temp.Path, Inputs = flags.ToDictionary(f => f.Name, f => (string?)f.Value) },
        new DictionaryEnvironment(),
        TextWriter.Null,
        TextWriter.Null,
        new Random(1),
        TimeProvider.System,
        new SecretMasker());
}
