using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>
/// A job on a machine with a self-hosted <c>blacksmith-agent</c> (its address and token set, as docs/agent.md says)
/// talks to that agent and to its own daemon, and to nobody else: no Blacksmith API, no registry mirror, no DNS
/// lookup. The job (setup, a build, post) and the real agent run in a network namespace with only loopback, and every
/// socket address the job's whole process tree tries to reach is read from strace.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SelfHostedAgentIsolationTests : IAsyncDisposable
{
    private const string Token = "self-hosted-agent-token-0123456789";
    private const int AgentPort = 45557;
    private const string Loopback = "127.0.0.1";

    private static readonly string[] TracedCalls = ["strace", "-f", "-qq", "--seccomp-bpf", "-s", "4096", "-e", "trace=connect,sendto,sendmsg,sendmmsg"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-isolated-");
    private IsolatedNetwork? _network;
    private Process? _agent;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string JobDirectory => Path.Combine(_dir.FullName, "job");

    [RequiresIsolatedAgentFact]
    public async Task A_self_hosted_agent_job_reaches_only_its_agent_and_its_own_daemon_socket_and_looks_up_no_name()
    {
        _network = await IsolatedNetwork.CreateAsync();
        var agentLog = await StartAgentAsync(_network);
        var trace = Path.Combine(_dir.FullName, "job.trace");
        var probe = Path.Combine(_dir.FullName, "probe.trace");

        // The method sees a lookup when there is one: a name resolved in this namespace shows as a datagram to port 53.
        _ = await CliProcess.RunAsync(_network.Exec([.. TracedCalls, "-o", probe, "getent", "hosts", "api.blacksmith.sh"]), cancellationToken: Ct);
        Assert.Contains(SocketTrace.Targets(await File.ReadAllLinesAsync(probe, Ct)), t => t.Port == 53);

        var job = await CliProcess.RunAsync(JobCommand(_network, trace), cancellationToken: Ct);

        Assert.True(job.ExitCode == 0, job.ToString());
        Assert.Contains("Store: agent (BLACKSMITH_AGENT_ADDRESS is set: a self-hosted blacksmith-agent)", job.Errors, StringComparison.Ordinal);
        Assert.Contains("Decision: commit requested", job.Errors, StringComparison.Ordinal);
        Assert.Contains("commit", agentLog.ToString(), StringComparison.OrdinalIgnoreCase);
        var targets = SocketTrace.Targets(await File.ReadAllLinesAsync(trace, Ct));
        Assert.Contains(targets, t => t.Is(Loopback, AgentPort));
        Assert.Contains(targets, t => t.IsUnder(JobDirectory));
        var elsewhere = targets.Where(t => !t.Is(Loopback, AgentPort) && !t.IsUnder(JobDirectory)).ToList();
        Assert.True(elsewhere.Count == 0, "the job tried to reach more than its agent and its daemon:\n" + string.Join('\n', elsewhere.Select(t => t.Line)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_agent is { HasExited: false })
            {
                _agent.Kill(entireProcessTree: true);
                await BoundedWait.ForExitAsync(_agent, "the isolated agent to die after SIGKILL");
            }

            _agent?.Dispose();
            // A daemon, mount or loop device a failed job left: the agent's store and the job live under this directory.
            _ = await Leftovers.CleanAsync(_dir.FullName);
            if (_network is not null)
            {
                await _network.DisposeAsync();
            }
        }
        finally
        {
            // The job's own root, outside its directory; empty once post has unmounted it.
            var root = Path.Combine(JobBuildkitPaths.SystemRootsDirectory, JobBuildkitPaths.RootName(JobDirectory));
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: false);
            }

            _dir.Delete(recursive: true);
        }
    }

    /// <summary>The real agent in the namespace, on loopback, with a token, serving loop devices; returns its live log.</summary>
    private async Task<StringBuilder> StartAgentAsync(IsolatedNetwork network)
    {
        var tokenFile = Path.Combine(_dir.FullName, "agent-token");
        await File.WriteAllTextAsync(tokenFile, Token, Ct);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var command = network.Exec([
            AgentBinary.Path, "--listen", string.Create(CultureInfo.InvariantCulture, $"{Loopback}:{AgentPort}"),
            "--data-dir", Path.Combine(_dir.FullName, "agent-data"), "--token-file", tokenFile, "--store-mode", "LoopDevice", "--disk-size-gib", "1",
        ]);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _agent = new Process { StartInfo = info };
        _agent.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        _agent.OutputDataReceived += (_, _) => { };
        _agent.Start();
        _agent.BeginErrorReadLine();
        _agent.BeginOutputReadLine();
        var started = await Task.WhenAny(listening.Task, _agent.WaitForExitAsync(Ct)).WaitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(started == listening.Task, $"blacksmith-agent did not start listening:\n{log}");
        return log;
    }

    /// <summary>
    /// The job as a CI runs it (GitLab-like: a shell running setup and a build, then post with the job's status), traced
    /// as one process tree. Its environment is only what the job needs: the agent's address and token, the doubles
    /// first on PATH, no BuildKit root or address (the defaults apply). dash starts without a passwd lookup, so every
    /// address in the trace is the product's.
    /// </summary>
    private IReadOnlyList<string> JobCommand(IsolatedNetwork network, string trace)
    {
        var shims = Path.Combine(_dir.FullName, "bin");
        ProcessDoubles.WriteShims(shims);
        var workspace = Directory.CreateDirectory(Path.Combine(_dir.FullName, "workspace")).FullName;
        File.WriteAllText(Path.Combine(workspace, "Dockerfile"), RunnerSimulator.DefaultDockerfile);
        var script = Path.Combine(_dir.FullName, "job.sh");
        File.WriteAllText(script, $"""
            blacksmith setup --cache-key isolated-image && blacksmith build --context '{workspace}' --tags app:isolated
            if [ $? = 0 ]; then status=success; else status=failure; fi
            blacksmith post --job-status "$status"
            """);
        var cli = Path.GetDirectoryName(BlacksmithBinary.Path)!;
        List<string> environment =
        [
            $"PATH={shims}:{cli}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            $"HOME={_dir.FullName}",
            $"BLACKSMITH_JOB_DIR={JobDirectory}",
            $"BLACKSMITH_CLAIMS_DIR={Path.Combine(_dir.FullName, "claims")}",
            $"DOCKER_CONFIG={Path.Combine(_dir.FullName, "docker")}",
            $"BUILDX_CONFIG={Path.Combine(_dir.FullName, "buildx")}",
            string.Create(CultureInfo.InvariantCulture, $"BLACKSMITH_AGENT_ADDRESS=http://{Loopback}:{AgentPort}"),
            $"BLACKSMITH_STICKYDISK_TOKEN={Token}",
        ];
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            environment.Add($"DOTNET_ROOT={dotnetRoot}");
        }

        return ["env", "-i", .. environment, .. network.Exec([.. TracedCalls, "-o", trace, "sh", script])];
    }
}
