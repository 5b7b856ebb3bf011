using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Tests.Processes;

[SupportedOSPlatform("linux")]
public sealed class DetachedProcessTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<SpawnedProcess> _started = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, string> MinimalEnvironment => new() { ["PATH"] = "/usr/bin:/bin" };

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await OsProcesses.KillAsync(process);
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task The_child_outlives_a_step_whose_output_is_piped_and_keeps_none_of_its_pipes()
    {
        // What the runner does to a step: stdout and stderr are pipes, and the step is over only when every holder
        // has closed them. The spawner is that step; reading its output to the end proves the daemon holds none.
        var log = Path.Combine(_temp.Path, "daemon.log");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "detached-spawner"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { log, "/bin/sleep", "600" })
        {
            info.ArgumentList.Add(argument);
        }

        using var step = Process.Start(info)!;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bounded.CancelAfter(OsProcesses.Patience);
        var output = await step.StandardOutput.ReadToEndAsync(bounded.Token);
        var errors = await step.StandardError.ReadToEndAsync(bounded.Token);
        await step.WaitForExitAsync(bounded.Token);

        Assert.True(step.ExitCode == 0, errors);
        var fields = output.Trim().Split(' ');
        var child = new SpawnedProcess(
            int.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
        _started.Add(child);
        Assert.True(ProcessLifetime.IsRunning(child), "the detached child died with the step");
        var stat = ProcStat.TryRead(child.Pid)!.Value;
        Assert.Equal(child.Pid, stat.SessionId);
        Assert.NotEqual(step.Id, stat.ParentPid);
        await AssertOnlyStandardDescriptorsAsync(child.Pid, log);
    }

    [Fact]
    public async Task An_inheritable_pipe_of_the_parent_is_not_passed_on()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);
        var log = Path.Combine(_temp.Path, "daemon.log");

        var child = Start("/bin/sleep", ["600"], MinimalEnvironment, log);

        Assert.Equal(child.Pid, ProcStat.TryRead(child.Pid)!.Value.SessionId);
        await AssertOnlyStandardDescriptorsAsync(child.Pid, log);
        // A log the spawn creates is private to the invoking user.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
    }

    [Fact]
    public void The_child_starts_with_no_signal_ignored_or_blocked()
    {
        // .NET ignores SIGPIPE, and an ignored signal stays ignored across exec unless the spawn resets it.
        var child = Start("/bin/sleep", ["600"], MinimalEnvironment, Path.Combine(_temp.Path, "daemon.log"));

        var status = File.ReadAllLines($"/proc/{child.Pid}/status");
        // Bit n-1 stands for signal n. Signals 32 and 33 are glibc's own (thread cancellation, setxid): posix_spawn
        // leaves them ignored and every glibc or Go program installs its handlers for them at start.
        const ulong standardSignals = 0x7FFF_FFFF;
        Assert.Equal(0UL, SignalMask(status, "SigIgn") & standardSignals);
        Assert.Equal(0UL, SignalMask(status, "SigBlk"));
    }

    [Fact]
    public async Task The_child_gets_exactly_the_given_environment_and_appends_to_the_log()
    {
        var log = Path.Combine(_temp.Path, "daemon.log");
        await File.WriteAllTextAsync(log, "earlier run\n", Token);

        var child = Start("/usr/bin/env", [], new Dictionary<string, string> { ["ONLY"] = "this one" }, log);
        Assert.True(await ProcessLifetime.WaitForExitAsync(child, OsProcesses.Patience, TimeProvider.System, Token));

        Assert.Equal(["earlier run", "ONLY=this one"], await File.ReadAllLinesAsync(log, Token));
    }

    [Fact]
    public void The_child_runs_in_the_root_directory()
    {
        var child = Start("/bin/sleep", ["600"], MinimalEnvironment, Path.Combine(_temp.Path, "daemon.log"));

        Assert.Equal("/", new DirectoryInfo($"/proc/{child.Pid}/cwd").LinkTarget);
    }

    [Fact]
    public void A_missing_program_fails_the_spawn_with_its_errno()
    {
        var error = Assert.Throws<Win32Exception>(() => DetachedProcess.Spawn(
            Path.Combine(_temp.Path, "no-such-daemon"), [], MinimalEnvironment, Path.Combine(_temp.Path, "daemon.log")));

        Assert.Equal(2, error.NativeErrorCode);
    }

    private SpawnedProcess Start(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string log)
    {
        var child = DetachedProcess.Spawn(path, arguments, environment, log);
        _started.Add(child);
        return child;
    }

    private static ulong SignalMask(string[] status, string field) =>
        ulong.Parse(status.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>
    /// The child's descriptors settle to exactly 0, 1 and 2: right after exec the dynamic loader briefly holds one of
    /// its own open, but an inherited descriptor would stay for the process's lifetime.
    /// </summary>
    private static async Task AssertOnlyStandardDescriptorsAsync(int pid, string log)
    {
        Dictionary<int, string?> Descriptors() => Directory.GetFileSystemEntries($"/proc/{pid}/fd")
            .ToDictionary(e => int.Parse(Path.GetFileName(e), CultureInfo.InvariantCulture), e => new FileInfo(e).LinkTarget);

        await OsProcesses.WaitUntilAsync(
            () => Descriptors().Keys.Order().SequenceEqual([0, 1, 2]),
            $"pid {pid} to hold only descriptors 0, 1 and 2 (it holds {string.Join(", ", Descriptors().Select(d => $"{d.Key} -> {d.Value}"))})",
            Token);
        var descriptors = Descriptors();
        Assert.Equal("/dev/null", descriptors[0]);
        Assert.Equal(log, descriptors[1]);
        Assert.Equal(log, descriptors[2]);
    }
}
