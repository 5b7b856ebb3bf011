using System.Diagnostics;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>Runs a command to its end, with its own environment, and collects its output. Killed (tree) after a timeout.</summary>
internal static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static Task<CliResult> RunAsync(
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(command, environment, workingDirectory: null, cancellationToken);

    /// <param name="command">The program and its arguments.</param>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <param name="workingDirectory">Where it runs; null: this process's working directory.</param>
    /// <param name="cancellationToken">Kills it.</param>
    public static async Task<CliResult> RunAsync(
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string?>? environment,
        string? workingDirectory,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        // A developer's own OpenTelemetry variables would make every post export a trace: only a test that sets them gets one.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k == "TRACEPARENT").ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {Timeout}:\n{await output}\n{await errors}");
        }

        return new CliResult(process.ExitCode, await output, await errors);
    }
}
