using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>One job runs some steps as root and others as the runner user; both must be able to open the journal.</summary>
public sealed class JournalFileOwnershipTests : IDisposable
{
    // Any non-root id will do; nobody/nogroup exists nearly everywhere.
    private const uint JobUser = 65534;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Files_root_creates_in_a_users_job_directory_belong_to_that_user()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Libc.GetEffectiveUserId() == 0, "needs root on Linux");
        var userRoot = _temp.Sub("runner-temp");
        Directory.CreateDirectory(userRoot);
        Assert.Equal(0, Libc.ChangeOwner(userRoot, JobUser, JobUser));
        var jobDir = Path.Combine(userRoot, "blacksmith", "123-build-1");
        var journal = new JournalFile(jobDir);
        await journal.AppendAsync(0, _ => new JournalDrafts(1).Take(1), TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(journal.Location, "{\"torn", TestContext.Current.CancellationToken);

        var append = await journal.AppendAsync(long.MaxValue, _ => new JournalDrafts(2).Take(1), TestContext.Current.CancellationToken);

        Assert.DoesNotContain(append.Seen.Warnings, w => w.Contains("could not hand", StringComparison.Ordinal));
        foreach (var path in (string[])[Path.GetDirectoryName(jobDir)!, jobDir, journal.Location, journal.LockPath, journal.TornPath])
        {
            Assert.True(UnixFiles.TryGetOwner(path, out var uid, out var gid), path);
            Assert.Equal((JobUser, JobUser), (uid, gid));
        }
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Files_created_in_a_directory_root_owns_stay_roots()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Libc.GetEffectiveUserId() == 0, "needs root on Linux");
        var journal = new JournalFile(_temp.Sub("job"));

        await journal.AppendAsync(0, _ => new JournalDrafts(3).Take(1), TestContext.Current.CancellationToken);

        Assert.True(UnixFiles.TryGetOwner(journal.Location, out var uid, out _));
        Assert.Equal(0u, uid);
    }
}
