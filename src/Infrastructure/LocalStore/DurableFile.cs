using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// The store's small state files, replaced atomically: written to a temporary name beside the target, fsynced, renamed
/// over it, and the directory fsynced, so a reader (or a crash) sees the old file or the new one, never a mix.
/// </summary>
internal static class DurableFile
{
    /// <summary>What temporary names contain; recovery deletes files with it that a crash left behind.</summary>
    public const string TemporaryMarker = ".tmp-";

    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> type)
    {
        var temporary = path + TemporaryMarker + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = UnixFiles.OpenPrivateFile(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, value, type);
                stream.Flush(flushToDisk: true);
            }

            // rename(2): replaces the old file in one step. (File.Move without overwrite would link and unlink.)
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        UnixFiles.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>The file's value, or null when there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not what the store writes there.</exception>
    public static T? ReadJson<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new InvalidDataException($"{path} holds null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid store file: {ex.Message}", ex);
        }
    }

    /// <summary>Deletes the file and makes the deletion durable; a missing file is fine.</summary>
    public static void Delete(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        File.Delete(path);
        UnixFiles.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Recovery deletes temporary files a failed write left behind.
        }
    }
}
