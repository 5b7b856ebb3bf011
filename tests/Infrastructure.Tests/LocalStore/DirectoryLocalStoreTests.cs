using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.LocalStore;

/// <summary>
/// The local store in directory mode, where loop devices are unavailable: the same promises on plain directory trees
/// (no root needed), plus what only this mode has.
/// </summary>
public sealed class DirectoryLocalStoreTests : LocalStoreSemanticsTests
{
    private const string Key = "acme/widgets";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected override LocalStoreMode Mode => LocalStoreMode.Directory;

    [Fact]
    public async Task A_new_key_is_exposed_as_an_empty_directory_and_the_store_says_it_is_in_directory_mode()
    {
        await using var h = Harness();
        using var store = h.Store();

        Assert.Equal("local (directory)", store.Kind);
        var disk = await store.ExposeAsync(Key, Ct);

        Assert.True(Directory.Exists(disk.Device));
        Assert.StartsWith(Path.Combine(h.Root, "data", "clones") + "/", disk.Device, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(disk.Device));
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Theory]
    [InlineData(false, "stickydisk.release")]
    [InlineData(true, "stickydisk.commit")]
    public async Task A_settlement_names_itself_as_the_release_or_commit_it_is_when_it_fails(bool commit, string operation)
    {
        await using var h = Harness();
        using var store = h.Store();
        var disk = await store.ExposeAsync(Key, Ct);

        var refused = await Assert.ThrowsAsync<ExternalCallException>(() => store.SettleAsync(new DiskSettlement("not an id!", Key, commit, null), Ct));

        Assert.Equal(operation, refused.Operation);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: false, null), Ct);
        h.AssertNothingLeft();
    }

    [Fact]
    public async Task Start_removes_clone_directories_and_temporary_files_that_belong_to_no_exposure()
    {
        await using var h = Harness();
        using (var first = h.Store())
        {
            await h.CommitNewAsync(first, Key);
        }

        var orphan = Path.Combine(h.DataDirectory, "clones", "exp-99");
        Directory.CreateDirectory(Path.Combine(orphan, "deep"));
        await File.WriteAllTextAsync(Path.Combine(orphan, "deep", "file"), "left by a crash", Ct);
        var torn = Path.Combine(h.DataDirectory, "exposures", "exp-98.json.tmp-0badf00d");
        await File.WriteAllTextAsync(torn, "{\"half", Ct);

        using var restarted = h.Store();
        await restarted.UpAsync(Ct);

        Assert.False(Directory.Exists(orphan));
        Assert.False(File.Exists(torn));
        h.AssertNothingLeft();
        Assert.Single(h.Generations(Key));
    }

    [Fact]
    public async Task Generations_holding_read_only_directories_are_still_pruned()
    {
        await using var h = Harness();
        using var store = h.Store(h.Options() with { GenerationsKept = 1 });
        for (var i = 0; i < 3; i++)
        {
            var disk = await store.ExposeAsync(Key, Ct);
            await h.WriteAsync(disk);
            var modules = Path.Combine(disk.Device, $"go-mod-{i}");
            Directory.CreateDirectory(modules);
            await File.WriteAllTextAsync(Path.Combine(modules, "go.mod"), "module example.com/m", Ct);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(modules, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            await store.SettleAsync(new DiskSettlement(disk.ExposeId, Key, Commit: true, null), Ct);
        }

        Assert.Equal([3L], h.Generations(Key).Select(g => g.Number));
        h.AssertNothingLeft();
    }

    private protected override void SkipUnlessSupported()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the local store runs on Linux only");
    }
}
