using Blacksmith.Hosting;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Hosts.Tests.Reports;

/// <summary>What the job log says when the daemon dies or never answers: the daemon's own words, not just that it failed.</summary>
public sealed class StepMessageTests
{
    [Fact]
    public async Task A_readiness_timeout_puts_the_daemons_log_tail_in_the_job_log()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System, onBlacksmithRunner: false);
        job.Settings = job.Settings with { Budgets = job.Settings.Budgets with { DaemonReady = TimeSpan.Zero } };
        job.Engine.Daemon.ProbeOverride = DaemonProbeStatus.NotReady;
        await File.WriteAllTextAsync(
            Path.Combine(job.Settings.JobDirectory, "buildkitd.log"),
            "level=info msg=\"auto snapshotter: using overlayfs\"\nlevel=warning msg=\"waiting for containerd worker: dial unix /run/containerd.sock\"\n",
            TestContext.Current.CancellationToken);

        var (exit, log) = await job.SetupAsync("setup-1");

        Assert.Equal(ExitCodes.Success, exit);
        var lines = log.Split('\n');
        var group = Array.FindIndex(lines, l => l.StartsWith("::group::buildkitd never became ready", StringComparison.Ordinal));
        Assert.True(group >= 0, log);
        Assert.Contains("waiting for containerd worker", lines[group + 2], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("::warning::", StringComparison.Ordinal) && l.Contains("not ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_warns_of_a_daemon_that_was_already_gone_with_the_tail_of_its_log()
    {
        await using var plane = await FakeControlPlane.StartAsync();
        using var job = new ReportingJob(plane, TimeProvider.System, onBlacksmithRunner: false);
        Assert.Equal(ExitCodes.Success, (await job.SetupAsync("setup-1")).Exit);
        job.Engine.Daemon.Running.Clear();
        job.Engine.Daemon.LogOfTheDead = "fatal error: out of memory\ngoroutine 1 [running]:";

        var (exit, log) = await job.PostAsync("setup-1");

        Assert.Equal(ExitCodes.Success, exit);
        var warning = Assert.Single(log.Split('\n'), l => l.StartsWith("::warning::", StringComparison.Ordinal) && l.Contains("already exited", StringComparison.Ordinal));
        // One annotation, its log tail escaped into it (protocols §1.4), so no line of the tail stands alone.
        Assert.Contains("its log ends with:%0Afatal error: out of memory%0Agoroutine 1 [running]:", warning, StringComparison.Ordinal);
    }
}
