using System.Diagnostics;
using System.Runtime.Versioning;

namespace Blacksmith.Testing;

/// <summary>
/// Makes the executable files tests run, without ever opening one for writing in the test process. A file the test
/// host writes itself is open for writing for a moment, and a process another test forks in that moment holds the
/// descriptor until it execs: running the file then fails with ETXTBSY ("Text file busy"), which CI met. Here the
/// content is written to a staging file and <c>install</c>, a child process, makes the executable from it.
/// </summary>
[SupportedOSPlatform("linux")]
public static class ExecutableFile
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    /// <summary>Writes <paramref name="content"/> as an executable at <paramref name="path"/> (0755 unless given) and returns the path.</summary>
    public static string Write(string path, string content, UnixFileMode mode = Executable) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content.ReplaceLineEndings("\n")), mode);

    /// <summary>Writes <paramref name="content"/> as an executable at <paramref name="path"/> (0755 unless given) and returns the path.</summary>
    public static string Write(string path, byte[] content, UnixFileMode mode = Executable)
    {
        ArgumentNullException.ThrowIfNull(path);
        var staged = path + ".staged";
        File.WriteAllBytes(staged, content);
        try
        {
            return Copy(staged, path, mode);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>Copies <paramref name="source"/> to an executable at <paramref name="path"/> (0755 unless given) and returns the path.</summary>
    public static string Copy(string source, string path, UnixFileMode mode = Executable)
    {
        var install = new ProcessStartInfo("install", ["-m", Convert.ToString((int)mode, 8), "--", source, path])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        using var process = new Process { StartInfo = install };
        // Read as it comes, so that the wait below bounds install's whole run: reading its error to the end first would
        // wait on install without a deadline.
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, line) => error.Append(line.Data).Append(' ');
        process.Start();
        process.BeginErrorReadLine();
        BoundedWait.ForExit(process, $"install to make {path}");
        // install has exited: this only lets the last of its error reach the handler.
        process.WaitForExit();
        return process.ExitCode == 0 ? path : throw new IOException($"install could not make {path} from {source}: {error.ToString().Trim()}");
    }
}
