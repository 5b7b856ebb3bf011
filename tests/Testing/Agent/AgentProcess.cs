using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Blacksmith.Testing.Agent;

/// <summary>
/// blacksmith-agent running as its own process, as a host runs it: its stderr collected, its address read from the
/// "Listening on" line, stopped or signalled with real signals. It sees none of this machine's <c>BLACKSMITH_*</c>
/// variables, only those a test gives it, so a developer's own configuration never reaches it. Disposing it kills
/// it if it is still running.
/// </summary>
public sealed partial class AgentProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly bool _killTree;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, bool killTree)
    {
        _process = process;
        _killTree = killTree;
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

    /// <summary>
    /// Starts the agent with <paramref name="arguments"/> and <paramref name="environment"/>. <paramref name="killTree"/>
    /// false leaves what the agent started (a Ceph host's rbd-fuse) to outlive a kill, as after a crash.
    /// </summary>
    public static AgentProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, bool killTree = true)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(AgentBinary.Path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BLACKSMITH_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var agent = new AgentProcess(new Process { StartInfo = info }, killTree);
        agent._process.ErrorDataReceived += (_, line) => agent.OnError(line.Data);
        agent._process.OutputDataReceived += (_, _) => { };
        agent._process.Start();
        agent._process.BeginErrorReadLine();
        agent._process.BeginOutputReadLine();
        return agent;
    }

    /// <summary>The address from the agent's "Listening on" line; an agent that exits first is an error with its stderr.</summary>
    public async Task<Uri> ListeningAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(Timeout, cancellationToken);
        return first == _listening.Task
            ? await _listening.Task
            : throw new InvalidOperationException($"blacksmith-agent exited ({_process.ExitCode}) before listening:\n{Errors}");
    }

    /// <summary>Sends a signal, as systemd or a shell would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", name, _process.Id.ToString(CultureInfo.InvariantCulture)]))!;
        BoundedWait.ForExit(kill, $"kill -s {name} to exit");
    }

    /// <summary>Stops it as systemd would (SIGTERM, which drains) and waits.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Signal("TERM");
            await _process.WaitForExitAsync().WaitAsync(Timeout);
        }
    }

    /// <summary>Waits for the agent to end (after a signal or a kill point) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        // Also drains the redirected streams, within the same bound.
        await BoundedWait.ForExitAsync(_process, "blacksmith-agent to exit and close its output", Timeout, cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: _killTree);
            BoundedWait.ForExit(_process, "blacksmith-agent to die after SIGKILL");
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
