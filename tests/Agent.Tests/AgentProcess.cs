using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Blacksmith.Testing;

namespace Blacksmith.Agent.Tests;

/// <summary>
/// blacksmith-agent running as its own process: its stderr collected, its address read from the "Listening on" line,
/// and stopped with a real signal. Disposing it kills it if it is still running.
/// </summary>
internal sealed partial class AgentProcess : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process)
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

    public static AgentProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(AgentBinary.Path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        // The agent must not pick up the developer's own configuration.
        foreach (var name in new[] { "BLACKSMITH_AGENT_TOKEN", "BLACKSMITH_AGENT_TOKEN_FILE", "BLACKSMITH_AGENT_LISTEN", "BLACKSMITH_DATA_DIR" })
        {
            if (environment?.ContainsKey(name) != true)
            {
                info.Environment.Remove(name);
            }
        }

        var agent = new AgentProcess(new Process { StartInfo = info });
        agent._process.ErrorDataReceived += (_, line) => agent.OnError(line.Data);
        agent._process.OutputDataReceived += (_, _) => { };
        agent._process.Start();
        agent._process.BeginErrorReadLine();
        agent._process.BeginOutputReadLine();
        return agent;
    }

    /// <summary>The address from the agent's "Listening on" line.</summary>
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
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);

        // The parameterless wait also drains the redirected streams.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
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
