using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>How buildx's ending and its files become the port's report.</summary>
public sealed class BuildxReportsTests
{
    private static readonly BuildMetadata Metadata = new(
        "sha256:config",
        "sha256:manifest",
        "blacksmith/blacksmith0/ref",
        "{}",
        [new BuildCheckWarning("Rule", "Rule: message", null, null, "Dockerfile", 3)],
        []);

    [Fact]
    public void A_successful_build_reports_its_image_digest_reference_metadata_and_warnings()
    {
        var report = BuildxReports.Finished(new BuildInputs(), Outcome(0), Metadata, ["a notice"]);

        Assert.Equal(BuildResult.Succeeded, report.Result);
        Assert.True(report.Succeeded);
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(90), report.Duration);
        Assert.Equal("sha256:config", report.ImageId);
        Assert.Equal("sha256:manifest", report.Digest);
        Assert.Equal("blacksmith/blacksmith0/ref", report.BuildRef);
        Assert.Equal("{}", report.Metadata);
        Assert.Equal(Metadata.Warnings, report.Warnings);
        Assert.Equal(["a notice"], report.Notices);
        Assert.Null(report.ErrorDetail);
    }

    [Fact]
    public void Unreadable_metadata_leaves_a_successful_build_successful_and_says_so()
    {
        var report = BuildxReports.Finished(new BuildInputs(), Outcome(0), BuildMetadata.None with { Problems = ["/d/m.json is not usable build metadata: ..."] }, []);

        Assert.Equal(BuildResult.Succeeded, report.Result);
        Assert.Null(report.Metadata);
        Assert.Equal(["Build metadata unavailable: /d/m.json is not usable build metadata: ..."], report.Notices);
    }

    [Fact]
    public void A_failed_build_names_the_last_error_line_as_upstream()
    {
        var report = BuildxReports.Finished(new BuildInputs(), Outcome(1, stderr: "#5 ERROR: boom\nERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1\n\n"), BuildMetadata.None, []);

        Assert.Equal(BuildResult.Failed, report.Result);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal("buildx failed with: ERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1", report.ErrorDetail);
    }

    [Fact]
    public void A_failed_check_names_the_first_line_of_its_output()
    {
        var report = BuildxReports.Finished(
            new BuildInputs { Call = "check" },
            Outcome(1, stdout: "\nCheck complete, 2 warnings have been found!\nWARNING: ...\n", stderr: "ERROR: something"),
            BuildMetadata.None,
            []);

        Assert.Equal("Check complete, 2 warnings have been found!", report.ErrorDetail);
    }

    [Fact]
    public void A_silent_failure_names_the_exit_code()
    {
        Assert.Equal("buildx exited with code 2", BuildxReports.Finished(new BuildInputs(), Outcome(2), BuildMetadata.None, []).ErrorDetail);
    }

    [Fact]
    public void A_timed_out_build_says_so_and_a_build_that_could_not_be_reaped_has_no_exit_code()
    {
        var report = BuildxReports.Finished(new BuildInputs(), Outcome(ProcessRunner.NotReaped, timedOut: true), BuildMetadata.None, []);

        Assert.Equal(BuildResult.TimedOut, report.Result);
        Assert.Null(report.ExitCode);
        Assert.Equal("buildx did not finish within 1.5 min; its process tree was killed", report.ErrorDetail);
    }

    [Fact]
    public void Cancelled_and_rejected_builds_carry_their_reason_and_notices()
    {
        var cancelled = BuildxReports.Cancelled(TimeSpan.FromSeconds(3), ["n"]);
        var rejected = BuildxReports.Rejected("Buildx >= 0.15.0 is required to use the call flag", []);

        Assert.True(cancelled.Cancelled);
        Assert.Equal(["n"], cancelled.Notices);
        Assert.Null(cancelled.ExitCode);
        Assert.Equal(BuildResult.Rejected, rejected.Result);
        Assert.Equal(TimeSpan.Zero, rejected.Duration);
        Assert.Equal("Buildx >= 0.15.0 is required to use the call flag", rejected.ErrorDetail);
    }

    private static ProcessOutcome Outcome(int exitCode, string stdout = "", string stderr = "", bool timedOut = false) =>
        new("buildx", exitCode, TimeSpan.FromSeconds(90), stdout, stderr, timedOut, Cancelled: false);
}
