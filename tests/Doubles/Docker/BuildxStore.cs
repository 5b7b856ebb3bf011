using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// buildx's store (store/store.go) on disk, in its own layout so a test can look at it as it would at the real one:
/// <c>instances/&lt;name&gt;</c>, <c>current</c>, <c>activity/&lt;name&gt;</c> and <c>refs/</c>, locked through
/// <c>.lock</c>. Which docker-container builders are booted is the double's own state (<c>.double/booted/</c>): for
/// the real one that is a container in the docker daemon.
/// </summary>
internal sealed partial class BuildxStore
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFile = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private BuildxStore(string directory, string dockerEndpoint)
    {
        Directory = directory;
        DockerEndpoint = dockerEndpoint;
    }

    public string Directory { get; }

    /// <summary>The key <c>current</c> is kept under: the docker endpoint of the default context.</summary>
    public string DockerEndpoint { get; }

    /// <summary>Where buildx keeps its state: BUILDX_CONFIG, else $DOCKER_CONFIG/buildx, else ~/.docker/buildx.</summary>
    public static BuildxStore FromEnvironment()
    {
        var directory = Environment.GetEnvironmentVariable("BUILDX_CONFIG") is { Length: > 0 } buildx
            ? buildx
            : Path.Combine(
                Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } docker
                    ? docker
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"),
                "buildx");
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        var store = new BuildxStore(Path.GetFullPath(directory), endpoint);
        foreach (var sub in (string[])["instances", "defaults", "activity"])
        {
            System.IO.Directory.CreateDirectory(Path.Combine(store.Directory, sub), PrivateDirectory);
        }

        return store;
    }

    /// <summary>store.ValidateName: returns the lower-cased name or throws buildx's error.</summary>
    public static string ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new BuildxException($"invalid name {name}, name needs to start with a letter and may not contain symbols, except ._-");
        }

        return name.ToLowerInvariant();
    }

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>The store's flock, as buildx takes it around every transaction.</summary>
    public IDisposable Lock() => StoreLock.Acquire(Path.Combine(Directory, ".lock"));

    public NodeGroup? Find(string name)
    {
        if (!IsValidName(name))
        {
            return null;
        }

        var path = Path.Combine(Directory, "instances", name.ToLowerInvariant());
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StoreJsonContext.Default.NodeGroup) : null;
    }

    public IReadOnlyList<NodeGroup> List() =>
    [
        .. System.IO.Directory.GetFiles(Path.Combine(Directory, "instances"))
            .Select(f => Find(Path.GetFileName(f)))
            .OfType<NodeGroup>()
            .OrderBy(g => g.Name, StringComparer.Ordinal),
    ];

    public void Save(NodeGroup group)
    {
        var name = ValidateName(group.Name);
        UpdateActivity(name);
        WriteAtomically(Path.Combine("instances", name), JsonSerializer.Serialize(group, StoreJsonContext.Default.NodeGroup), PrivateFile);
    }

    public void Remove(string name)
    {
        name = ValidateName(name);
        DeleteIfThere(Path.Combine(Directory, "activity", name));
        DeleteIfThere(Path.Combine(Directory, ".double", "booted", name));
        var refs = Path.Combine(Directory, "refs", name);
        if (System.IO.Directory.Exists(refs))
        {
            System.IO.Directory.Delete(refs, recursive: true);
        }

        DeleteIfThere(Path.Combine(Directory, "instances", name));
    }

    public void UpdateActivity(string name) =>
        WriteAtomically(Path.Combine("activity", name), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), PrivateFile);

    public DateTimeOffset? LastActivity(string name)
    {
        var path = Path.Combine(Directory, "activity", name);
        return File.Exists(path)
            ? DateTimeOffset.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
    }

    /// <summary>
    /// store.Txn.Current: the instance <c>current</c> names for this docker endpoint (or globally), when it still exists;
    /// null means the docker context's own builder.
    /// </summary>
    public NodeGroup? Current()
    {
        var path = Path.Combine(Directory, "current");
        if (!File.Exists(path))
        {
            return null;
        }

        var current = JsonSerializer.Deserialize(File.ReadAllText(path), StoreJsonContext.Default.CurrentBuilder);
        return current is { Name.Length: > 0 } && (current.Global || current.Key == DockerEndpoint) ? Find(current.Name) : null;
    }

    /// <summary>store.Txn.SetCurrent; an empty name selects the docker context's own builder.</summary>
    public void SetCurrent(string name, bool global) =>
        WriteAtomically("current", JsonSerializer.Serialize(new CurrentBuilder { Key = DockerEndpoint, Name = name, Global = global }, StoreJsonContext.Default.CurrentBuilder), PrivateFile);

    public bool IsBooted(string name) => File.Exists(Path.Combine(Directory, ".double", "booted", name));

    public void MarkBooted(string name)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, ".double", "booted"), PrivateDirectory);
        File.WriteAllText(Path.Combine(Directory, ".double", "booted", name), string.Empty);
    }

    /// <summary>A build's local state (localstate.SaveRef), which build-push-action falls back on for the build reference.</summary>
    public void SaveRef(string builder, string node, string reference, LocalState state)
    {
        var directory = Path.Combine(Directory, "refs", builder, node);
        System.IO.Directory.CreateDirectory(directory, PrivateDirectory);
        WriteAtomically(Path.Combine("refs", builder, node, reference), JsonSerializer.Serialize(state, StoreJsonContext.Default.LocalState), PublicFile);
    }

    private static void DeleteIfThere(string path)
    {
        // File.Delete throws when the directory is missing, not only the file.
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private void WriteAtomically(string relative, string content, UnixFileMode mode)
    {
        var path = Path.Combine(Directory, relative);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9\.\-_]*$")]
    private static partial Regex NamePattern();
}
