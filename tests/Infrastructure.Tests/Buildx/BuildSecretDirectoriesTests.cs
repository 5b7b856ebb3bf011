using System.Diagnostics;
using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Buildx;

public sealed class BuildSecretDirectoriesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public BuildSecretDirectoriesTests()
    {
        Directory.CreateDirectory(Memory);
        Directory.CreateDirectory(Disk);
        Directory.CreateDirectory(Job);
        // The machine as its mount table tells it: the temp directory on disk, one directory in it a tmpfs.
        File.WriteAllText(MountTable,
            $"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
            + $"40 22 0:40 / {LinuxBlockDevice.Canonical(Memory)} rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k\n");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Memory => _temp.Sub("run-user");

    private string Disk => _temp.Sub("disk");

    private string Job => _temp.Sub("job");

    private string MountTable => _temp.Sub("mountinfo");

    private string Own => Path.Combine(Memory, $"blacksmith-builds-{Uid()}");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_first_memory_backed_place_gets_a_private_directory_of_this_users_and_one_per_job()
    {
        var secrets = new BuildSecretDirectories([Disk, Memory], MountTable);

        var (directory, notInMemory) = await secrets.ChooseAsync(Job, Ct);

        Assert.Null(notInMemory);
        Assert.Equal(Own, Path.GetDirectoryName(directory));
        Assert.Equal(BuildSecretDirectories.JobKey(Job), Path.GetFileName(directory));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Own));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(Disk));
    }

    [Fact]
    public async Task Without_a_memory_backed_place_the_builds_use_the_job_directory_and_say_why()
    {
        var missing = _temp.Sub("no-such-dir");
        var secrets = new BuildSecretDirectories([Disk, missing], MountTable);

        var (directory, notInMemory) = await secrets.ChooseAsync(Job, Ct);

        Assert.Equal(Job, directory);
        Assert.Contains($"{Disk} is on ext4, not in memory", notInMemory, StringComparison.Ordinal);
        Assert.Contains($"{missing} does not exist", notInMemory, StringComparison.Ordinal);
        Assert.Contains("on disk", notInMemory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_someone_made_first_in_its_place_is_passed_over_and_nothing_is_written_through_it()
    {
        var elsewhere = Directory.CreateDirectory(_temp.Sub("elsewhere")).FullName;
        File.CreateSymbolicLink(Own, elsewhere);
        var secrets = new BuildSecretDirectories([Memory], MountTable);

        var (directory, notInMemory) = await secrets.ChooseAsync(Job, Ct);
        var removed = await secrets.RemoveLeftoversAsync(Job, Ct);

        Assert.Equal(Job, directory);
        Assert.Contains($"{Own} is a symbolic link (to {elsewhere})", notInMemory, StringComparison.Ordinal);
        Assert.Empty(removed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public async Task Leftovers_of_the_job_are_removed_in_memory_and_in_the_job_directory_and_another_jobs_are_kept()
    {
        var secrets = new BuildSecretDirectories([Memory], MountTable);
        var (mine, _) = await secrets.ChooseAsync(Job, Ct);
        var (others, _) = await secrets.ChooseAsync(_temp.Sub("other-job"), Ct);
        Secret(BuildTemporaryFiles.Create(mine, "api").Directory);
        Secret(BuildTemporaryFiles.Create(others, "web").Directory);
        // Where builds went before there was a place in memory, or where there is none.
        var onDisk = BuildTemporaryFiles.Create(Job, "worker").Directory;
        Secret(onDisk);
        await File.WriteAllTextAsync(Path.Combine(Job, "journal.jsonl"), "", Ct);

        var removed = await secrets.RemoveLeftoversAsync(Job, Ct);

        Assert.Equal([mine, onDisk], removed);
        Assert.False(Directory.Exists(mine));
        Assert.False(Directory.Exists(onDisk));
        Assert.True(File.Exists(Path.Combine(Job, "journal.jsonl")));
        Assert.Single(Directory.EnumerateFiles(others, "secret-1", SearchOption.AllDirectories));
        Assert.Empty(await secrets.RemoveLeftoversAsync(Job, Ct));
    }

    [Fact]
    public async Task A_real_tmpfs_as_XDG_RUNTIME_DIR_comes_before_dev_shm()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.UserName == "root", "mounting a tmpfs needs root");
        var runtime = Directory.CreateDirectory(_temp.Sub("xdg")).FullName;
        await ToolAsync("mount", "-t", "tmpfs", "-o", "mode=0700,size=1m", "tmpfs", runtime);
        try
        {
            var secrets = BuildSecretDirectories.ForThisUser(name => name == "XDG_RUNTIME_DIR" ? runtime : null);

            var (directory, notInMemory) = await secrets.ChooseAsync(Job, Ct);

            Assert.Null(notInMemory);
            Assert.StartsWith(runtime + "/blacksmith-builds-", directory, StringComparison.Ordinal);
        }
        finally
        {
            await ToolAsync("umount", runtime);
        }
    }

    private static void Secret(string buildDirectory) => File.WriteAllText(Path.Combine(buildDirectory, "secret-1"), "value");

    private static string Uid()
    {
        using var id = Process.Start(new ProcessStartInfo("id", ["-u"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var uid = id.StandardOutput.ReadToEnd().Trim();
        BoundedWait.ForExit(id, "id -u to exit");
        return uid;
    }

    private static async Task ToolAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false })!;
        await BoundedWait.ForExitAsync(process, $"{tool} {string.Join(' ', arguments)} to exit", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}
