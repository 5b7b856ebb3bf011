using System.Diagnostics;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>
/// Runs the JournalWriter tool (copied next to the tests by the project reference) as separate OS processes, started
/// together: each prints "ready", and all get the start signal at once.
/// </summary>
public static class JournalWriterProcesses
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "Blacksmith.Tools.JournalWriter.dll");

    /// <summary>Runs <paramref name="writers"/> processes appending <paramref name="count"/> records each; returns each one's stdout.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string jobDir, int writers, int count, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout + RunTimeout);
        var processes = new List<Process>();
        try
        {
            for (var writer = 0; writer < writers; writer++)
            {
                processes.Add(Start(jobDir, writer, count, "--wait"));
            }

            using (var starting = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
            {
                starting.CancelAfter(StartTimeout);
                foreach (var process in processes)
                {
                    var line = await process.StandardOutput.ReadLineAsync(starting.Token);
                    if (line != "ready")
                    {
                        // Its stderr is read only once it has exited: a live writer waiting for stdin never closes it.
                        process.Kill(entireProcessTree: true);
                        Assert.Fail($"writer {process.Id} did not get ready: '{line}' {await process.StandardError.ReadToEndAsync(starting.Token)}");
                    }
                }
            }

            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync(timeout.Token);
            }

            var outputs = new List<string>();
            foreach (var process in processes)
            {
                var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                Assert.True(process.ExitCode == 0, $"writer {process.Id} exited with {process.ExitCode}: {await stderr}");
                outputs.Add(await stdout);
            }

            return outputs;
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    /// <summary>Starts one writer with <paramref name="flags"/> (see the tool's usage); the caller owns and ends it.</summary>
    public static Process Start(string jobDir, int writer, int count, params string[] flags) => Launch([], jobDir, writer, count, flags);

    /// <summary>
    /// Starts one writer under <c>strace -f -y</c>, which writes the <paramref name="syscalls"/> it makes, each descriptor
    /// named by its path, to <paramref name="trace"/>; the caller owns and ends it.
    /// </summary>
    public static Process StartTraced(string trace, string syscalls, string jobDir, int writer, int count, params string[] flags) =>
        Launch(["strace", "-f", "-qq", "-y", "-e", $"trace={syscalls}", "-o", trace], jobDir, writer, count, flags);

    private static Process Launch(string[] wrapper, string jobDir, int writer, int count, string[] flags)
    {
        var command = (string[])[.. wrapper, DotnetHost.Path];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[.. command[1..], ToolPath, jobDir, writer.ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. flags])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ToolPath}.");
    }
}
