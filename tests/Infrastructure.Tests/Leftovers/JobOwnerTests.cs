using System.Diagnostics;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Orchestration.Claims;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

/// <summary>
/// The owner a claim names, found among real processes: a step under a process named <c>Runner.Worker</c> is owned by it
/// (GitHub's proof the job is over, once it ends); any other step by its parent, whose end proves nothing.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class JobOwnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task A_step_under_Runner_Worker_is_owned_by_it_and_its_end_is_seen()
    {
        // A shell copied to the runner's name: the kernel names the process after the file it runs.
        var worker = Path.Combine(_temp.Path, "Runner.Worker");
        ExecutableFile.Copy("/bin/sh", worker);
        using var shell = Process.Start(new ProcessStartInfo(worker, ["-c", "sleep 600 & echo $!; wait"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            var step = int.Parse((await shell.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken))!, System.Globalization.CultureInfo.InvariantCulture);

            var owner = JobOwner.Find(step);

            Assert.NotNull(owner);
            Assert.Equal((shell.Id, "Runner.Worker", ClaimOwnerKind.RunnerWorker), (owner.Pid, owner.Command, owner.Kind));
            Assert.True(new ProcMachineFacts().IsRunning(owner));
            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.False(new ProcMachineFacts().IsRunning(owner));
        }
        finally
        {
            if (!shell.HasExited)
            {
                shell.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void Elsewhere_a_step_is_owned_by_its_parent_whose_end_proves_nothing()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true", "these tests run under a GitHub runner's Runner.Worker, which owns them");
        var owner = JobOwner.Find(Environment.ProcessId);

        Assert.NotNull(owner);
        Assert.Equal(ClaimOwnerKind.Parent, owner.Kind);
        Assert.True(new ProcMachineFacts().IsRunning(owner));
    }

    [Fact]
    public void The_boot_id_is_the_kernels()
    {
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), new ProcMachineFacts().BootId);
    }

    public void Dispose() => _temp.Dispose();
}
