namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>The kill-point harness itself: what a run leaves is seen from the kernel, and removed even when the run failed.</summary>
public sealed class CrashMachineTests
{
    [RequiresKillPointsFact]
    public async Task A_machine_removes_the_daemon_mount_and_loop_device_a_job_still_holds_and_deletes_itself()
    {
        var machine = CrashMachine.Create();
        string root;
        MachineState held;
        IReadOnlyList<string> removed;
        try
        {
            root = machine.Root;
            // A setup without its post: what a failing run would leave.
            var setup = await machine.Job(1).SetupAsync();
            Assert.True(setup.ExitCode == 0, setup.ToString());
            held = machine.Look();
            removed = await machine.RemoveLeftoversAsync();
        }
        finally
        {
            await machine.DisposeAsync();
        }

        Assert.Single(held.Processes);
        Assert.Single(held.Mounts);
        Assert.Single(held.LoopDevices);
        Assert.Contains(removed, r => r.StartsWith("process ", StringComparison.Ordinal));
        Assert.Contains(removed, r => r.StartsWith("mount ", StringComparison.Ordinal));
        Assert.Contains(removed, r => r.StartsWith("loop device ", StringComparison.Ordinal));
        Assert.False(Directory.Exists(root));
        Assert.DoesNotContain(await File.ReadAllLinesAsync("/proc/self/mountinfo"), l => l.Contains(root + "/", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateDirectories("/sys/block", "loop*"), d => BackingFile(d).StartsWith(root + "/", StringComparison.Ordinal));
    }

    private static string BackingFile(string device)
    {
        var path = Path.Combine(device, "loop", "backing_file");
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
