using System.Diagnostics;
using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

[SupportedOSPlatform("linux")]
public sealed class RunnerDiagDirectoryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_override_comes_first_then_the_default_work_folder_roots()
    {
        var environment = new DictionaryEnvironment(
            (RunnerDiagDirectory.OverrideVariable, "/srv/runner/_diag"),
            ("RUNNER_TEMP", "/home/runner/_work/_temp"),
            ("GITHUB_WORKSPACE", "/home/runner/_work/app/app"),
            ("RUNNER_WORKSPACE", "/opt/actions/_work/app"));

        var candidates = RunnerDiagDirectory.Candidates(environment, pid: 0);

        Assert.Equal(["/srv/runner/_diag", "/home/runner/_diag", "/opt/actions/_diag"], candidates);
    }

    [Theory]
    [InlineData("/home/runner/_work/_temp", "/home/runner")]
    [InlineData("/home/runner/_work", "/home/runner")]
    [InlineData("/home/runner/work/app/app", null)]
    [InlineData("/_work/x", null)]
    public void A_default_work_folder_names_the_runner_root(string path, string? root) =>
        Assert.Equal(root, RunnerDiagDirectory.RootOfDefaultWorkFolder(path));

    [Fact]
    public void The_Worker_among_the_ancestors_names_the_runner_root()
    {
        var table = new Dictionary<int, AncestorProcess>
        {
            [300] = new(200, "/usr/local/bin/blacksmith", ["blacksmith", "post"]),
            [200] = new(100, "/home/runner/externals/node24/bin/node", ["node", "/home/runner/_work/_actions/x/post.js"]),
            [100] = new(50, "/opt/runner/bin.2.328.0/Runner.Worker", ["/opt/runner/bin/Runner.Worker", "spawnclient", "1", "2"]),
            [50] = new(1, "/opt/runner/bin.2.328.0/Runner.Listener", ["Runner.Listener", "run"]),
        };

        Assert.Equal("/opt/runner", RunnerDiagDirectory.FindRunnerRoot(300, pid => table.GetValueOrDefault(pid)));
    }

    [Fact]
    public void A_Worker_started_through_dotnet_is_recognised_by_its_dll()
    {
        var table = new Dictionary<int, AncestorProcess>
        {
            [20] = new(10, null, ["node"]),
            [10] = new(1, "/usr/share/dotnet/dotnet", ["dotnet", "/actions-runner/bin/Runner.Worker.dll", "spawnclient"]),
        };

        Assert.Equal("/actions-runner", RunnerDiagDirectory.FindRunnerRoot(20, pid => table.GetValueOrDefault(pid)));
    }

    [Fact]
    public void Without_a_Worker_among_the_ancestors_there_is_no_root()
    {
        var table = new Dictionary<int, AncestorProcess> { [20] = new(10, "/bin/sh", ["sh"]), [10] = new(1, "/sbin/init", ["init"]) };

        Assert.Null(RunnerDiagDirectory.FindRunnerRoot(20, pid => table.GetValueOrDefault(pid)));
        Assert.Null(RunnerDiagDirectory.FindRunnerRoot(20, _ => null));
    }

    [Fact]
    public void A_real_process_named_Runner_Worker_is_found_through_proc()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_temp.Path, "runner", "bin")).FullName;
        var worker = Path.Combine(bin, "Runner.Worker");
        ExecutableFile.Copy("/bin/sleep", worker);
        using var process = Process.Start(new ProcessStartInfo(worker, "300"))!;
        try
        {
            var candidates = RunnerDiagDirectory.Candidates(new DictionaryEnvironment(), process.Id);

            Assert.Equal([Path.Combine(_temp.Path, "runner", "_diag")], candidates);
        }
        finally
        {
            process.Kill();
            BoundedWait.ForExit(process, "the stand-in runner to die");
        }
    }
}
