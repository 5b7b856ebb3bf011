using System.Text.Json;

namespace Blacksmith.Infrastructure.Ci.Generic;

/// <summary>
/// A JSON object of strings in a file. Updates take an exclusive lock on a lock file (several build processes of one
/// job may set outputs at once) and replace the file whole, so a reader never sees half of one.
/// </summary>
/// <param name="path">The file.</param>
/// <param name="what">What it holds, for messages (<c>state</c>, <c>output</c>).</param>
/// <param name="lockPath">
/// The lock file, kept in the job directory rather than beside <paramref name="path"/>: an output file may live in
/// the user's working directory, which must not collect a lock file that outlives the job.
/// </param>
internal sealed class JsonMapFile(string path, string what, string lockPath)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(10);

    public string Path { get; } = path;

    /// <summary>The map; empty when the file does not exist.</summary>
    /// <exception cref="CiRuntimeException">The file cannot be read or is not a JSON object of strings.</exception>
    public SortedDictionary<string, string> Read()
    {
        try
        {
            if (!File.Exists(Path))
            {
                return new(StringComparer.Ordinal);
            }

            var map = JsonSerializer.Deserialize(File.ReadAllText(Path), CiJsonContext.Default.SortedDictionaryStringString);
            return map is null ? new(StringComparer.Ordinal) : new(map, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CiRuntimeException($"Cannot read the {what} file '{Path}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads, applies <paramref name="change"/>, and writes back, excluding other processes meanwhile.</summary>
    /// <exception cref="CiRuntimeException">The file cannot be locked, read or written.</exception>
    public void Update(Action<SortedDictionary<string, string>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var held = Lock();
        var map = Read();
        change(map);
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        try
        {
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(temporary, JsonSerializer.Serialize(map, CiJsonContext.Default.SortedDictionaryStringString));
            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new CiRuntimeException($"Cannot write the {what} file '{Path}': {ex.Message}", ex);
        }
    }

    // FileShare.None is an exclusive flock on Linux, and .NET fails at once instead of waiting for it.
    private FileStream Lock()
    {
        var deadline = Environment.TickCount64 + (long)LockTimeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                if (System.IO.Path.GetDirectoryName(lockPath) is { Length: > 0 } directory)
                {
                    Directory.CreateDirectory(directory);
                }

                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not (DirectoryNotFoundException or PathTooLongException) && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(LockRetry);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CiRuntimeException($"Cannot lock the {what} file '{Path}' (through '{lockPath}'): {ex.Message}", ex);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file next to the state does no harm.
        }
    }
}
