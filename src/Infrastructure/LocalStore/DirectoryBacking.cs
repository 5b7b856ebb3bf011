using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>
/// Directory mode, where loop devices are unavailable: each generation is a directory tree, each exposure a copy of
/// it, and what is handed out is the copy's path. GNU <c>cp -a --reflink=auto</c> copies, because a build cache holds
/// everything a tree can (hard links, extended attributes, device nodes of overlay whiteouts, sparse files) and cp
/// keeps all of it, sharing extents where the filesystem can.
/// </summary>
internal sealed class DirectoryBacking(ProcessRunner runner, TimeSpan copyTimeout) : IDiskBacking
{
    private static readonly Dictionary<string, string> CLocale = new(StringComparer.Ordinal) { ["LC_ALL"] = "C" };

    public LocalStoreMode Mode => LocalStoreMode.Directory;

    public string Suffix => "";

    public async Task<CloneMethod> CloneAsync(string? source, string clone, string operation, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            FileTree.CreatePrivateDirectory(clone);
            return CloneMethod.New;
        }

        // -T: the clone is the copy of the source directory, not a directory holding it.
        var command = new ProcessCommand("cp", ["-a", "--reflink=auto", "-T", "--", source, clone])
        {
            Timeout = copyTimeout,
            OutputLevel = LogLevel.Debug,
            Environment = CLocale,
        };
        var outcome = await runner.RunAsync(command, cancellationToken);
        if (!outcome.Succeeded && !outcome.TimedOut && outcome.StandardErrorTail.Contains("No space left on device", StringComparison.Ordinal))
        {
            throw new IOException($"could not copy {source}: {outcome.Describe()}", StoreFailure.NoSpaceErrno);
        }

        outcome.EnsureSucceeded(operation);
        return CloneMethod.TreeCopy;
    }

    public Task<string> AttachAsync(string clone, string operation, CancellationToken cancellationToken) => Task.FromResult(clone);

    // A directory is handed out as a path; whether the job bind-mounted it is not something the store can tell.
    public Task<string?> MountedAtAsync(string clone, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task DetachAsync(string clone, bool forCommit, string operation, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> DetachOrphansAsync(string clones, Func<string, bool> isOrphan, string operation, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public void Sync(string clone) => FileTree.SyncFilesystem(clone);
}
