using System.Diagnostics;
using System.Globalization;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// One CI job's shell, as GitLab runs a job's <c>script</c>: a single <c>sh</c> that lives for the whole script and
/// runs its commands one after another, so it is the parent of every step (setup's owner). The test feeds it commands
/// when it chooses, which is how two jobs are interleaved without sleeping. Each command's output goes to files; the
/// shell answers with its exit code on standard output.
/// </summary>
internal sealed class JobShell : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _shell;
    private readonly string _outputDirectory;
    private int _commands;
    private bool _ended;

    private JobShell(Process shell, string outputDirectory)
    {
        _shell = shell;
        _outputDirectory = outputDirectory;
    }

    /// <summary>Starts the shell with exactly <paramref name="environment"/> (nothing of the test process's own).</summary>
    public static JobShell Start(IReadOnlyDictionary<string, string> environment, string workingDirectory, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new JobShell(Process.Start(info)!, outputDirectory);
    }

    /// <summary>Runs one command line in the shell and waits for it to end.</summary>
    public async Task<CliResult> RunAsync(string commandLine)
    {
        var number = Interlocked.Increment(ref _commands).ToString(CultureInfo.InvariantCulture);
        var output = Path.Combine(_outputDirectory, number + ".out");
        var errors = Path.Combine(_outputDirectory, number + ".err");
        await _shell.StandardInput.WriteLineAsync($"{commandLine} >'{output}' 2>'{errors}' </dev/null; echo \"exit $?\"");
        await _shell.StandardInput.FlushAsync();
        var answer = await _shell.StandardOutput.ReadLineAsync().WaitAsync(CommandTimeout)
            ?? throw new InvalidOperationException($"the job's shell ended while running: {commandLine}");
        return new CliResult(int.Parse(answer["exit ".Length..], CultureInfo.InvariantCulture), await File.ReadAllTextAsync(output), await File.ReadAllTextAsync(errors));
    }

    /// <summary>The end of the script: the shell reads end of input and exits. Ending it twice ends it once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _shell.StandardInput.Close();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await _shell.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _shell.Kill(entireProcessTree: true);
            await _shell.WaitForExitAsync(CancellationToken.None);
        }

        _shell.Dispose();
    }
}
