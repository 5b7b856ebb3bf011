using System.Diagnostics;
using System.Globalization;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Crash;

/// <summary>
/// A build killed with SIGKILL in the middle of its buildx run cannot remove its secret files; they are in memory (a
/// tmpfs of the test's own as <c>XDG_RUNTIME_DIR</c>), never in its arguments, and post removes them.
/// </summary>
public sealed class BuildSecretsKillTests
{
    private const string SecretValue = "s3cr3t-value-that-must-not-outlive-the-build";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [RequiresKillPointsFact]
    public async Task A_build_killed_with_sigkill_mid_build_leaves_no_secret_file_anywhere_after_post()
    {
        await using var machine = CrashMachine.Create();
        var runtime = Directory.CreateDirectory(Path.Combine(machine.Root, "run-user")).FullName;
        await ToolAsync("mount", "-t", "tmpfs", "-o", "mode=0700,size=16m", "tmpfs", runtime);
        try
        {
            var job = machine.Job(1);
            var memory = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = runtime };
            var setup = await job.SetupAsync(environment: memory);
            Assert.True(setup.ExitCode == 0, setup.ToString());

            var environment = new Dictionary<string, string>(memory)
            {
                [GenericCiRuntime.InputVariable("secrets")] = $"API_TOKEN={SecretValue}",
                ["BLACKSMITH_DOCKER_DOUBLE_FAULT"] = "build-slow",
            };
            using var build = job.StartBuild(environment);
            string secretFile;
            try
            {
                secretFile = await WaitForSecretFileAsync(runtime, build);
                // What every user of the machine can read: no process of the build carries the value in its arguments.
                Assert.DoesNotContain(GroupCommandLines(build.Id), line => line.Contains(SecretValue, StringComparison.Ordinal));
            }
            finally
            {
                await SessionProcess.KillGroupAsync(build);
            }

            Assert.Equal(SessionProcess.KilledBySigkill, build.ExitCode);
            Assert.Equal(SecretValue, await File.ReadAllTextAsync(secretFile));
            if (OperatingSystem.IsLinux())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
            }

            var post = await job.PostAsync("success", environment: memory);

            Assert.True(post.ExitCode == 0, post.ToString());
            Assert.Contains("Removed the secret files of a build", post.Log, StringComparison.Ordinal);
            Assert.Empty(SecretFiles(runtime));
            Assert.Empty(SecretFiles(job.JobDirectory));
            Assert.False(Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(secretFile))), "the job's directory in memory is gone");
            Assert.DoesNotContain(SecretValue, string.Join('\n', Directory.EnumerateFiles(job.JobDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText)), StringComparison.Ordinal);
        }
        finally
        {
            await ToolAsync("umount", runtime);
        }
    }

    /// <summary>Waits for the build's secret file to be written, in the job's directory in memory.</summary>
    private static async Task<string> WaitForSecretFileAsync(string runtime, Process build)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (SecretFiles(runtime) is [var file, ..])
            {
                return file;
            }

            if (build.HasExited || waited.Elapsed > Patience)
            {
                throw new InvalidOperationException($"no secret file appeared under {runtime} (build exited: {build.HasExited})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static List<string> SecretFiles(string root) =>
        Directory.Exists(root) ? [.. Directory.EnumerateFiles(root, "secret-*", SearchOption.AllDirectories)] : [];

    /// <summary>The command lines of the processes in the group <paramref name="group"/> leads.</summary>
    private static List<string> GroupCommandLines(int group)
    {
        var lines = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(proc, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[2], CultureInfo.InvariantCulture) == group)
                {
                    lines.Add(File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' '));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // Gone meanwhile, or not a process directory.
            }
        }

        Assert.NotEmpty(lines);
        return lines;
    }

    private static async Task ToolAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { UseShellExecute = false })!;
        await BoundedWait.ForExitAsync(process, $"{tool} {string.Join(' ', arguments)} to exit", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}
