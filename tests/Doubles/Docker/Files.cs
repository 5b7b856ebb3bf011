namespace Blacksmith.Doubles.Docker;

/// <summary>How buildx writes the files a build leaves: mode 0644, the metadata atomically (moby atomicwriter).</summary>
internal static class Files
{
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WritePublic(string path, string content, string what)
    {
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Public });
            using var writer = new StreamWriter(stream);
            writer.Write(content);
        }
        catch (DirectoryNotFoundException)
        {
            throw new BuildxException($"{what}: open {path}: no such file or directory");
        }
    }

    public static void WriteAtomically(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".tmp-{Path.GetFileName(path)}{Environment.ProcessId}");
        if (!Directory.Exists(directory))
        {
            throw new BuildxException($"open {temporary}: no such file or directory");
        }

        WritePublic(temporary, content, "writing metadata file");
        File.Move(temporary, path, overwrite: true);
    }
}
