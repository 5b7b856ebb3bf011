using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Ceph;

/// <summary>
/// blacksmith-agent with <c>--backend ceph</c> as its own process, as one runner host runs it: its stderr collected,
/// its address read from its "Listening on" line, killed with a real signal.
/// </summary>
internal sealed partial class CephAgentProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CephAgentProcess(Process process)
    {
        _process = process;
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static async Task<(CephAgentProcess Agent, Uri Address)> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(AgentBinary.Path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BLACKSMITH_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var agent = new CephAgentProcess(new Process { StartInfo = info });
        agent._process.ErrorDataReceived += (_, line) => agent.OnError(line.Data);
        agent._process.OutputDataReceived += (_, _) => { };
        agent._process.Start();
        agent._process.BeginErrorReadLine();
        agent._process.BeginOutputReadLine();
        var exited = agent._process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(agent._listening.Task, exited).WaitAsync(Timeout, cancellationToken);
        if (first != agent._listening.Task)
        {
            var errors = agent.Errors;
            agent.Dispose();
            throw new InvalidOperationException($"blacksmith-agent exited before listening:\n{errors}");
        }

        return (agent, await agent._listening.Task);
    }

    /// <summary>Waits for the agent to end (after a kill point) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Stops it as systemd would (SIGTERM, which drains) and waits.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", "TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync().WaitAsync(Timeout);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Listening on (?<address>https?://\S+?)/? \(")]
    private static partial Regex ListeningLine();

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_errors)
        {
            _errors.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["address"].Value));
        }
    }
}
