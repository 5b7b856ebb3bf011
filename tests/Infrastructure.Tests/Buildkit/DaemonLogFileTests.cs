using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildkit;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

[SupportedOSPlatform("linux")]
public sealed class DaemonLogFileTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_tail_is_the_current_run_only_and_at_most_the_lines_asked_for()
    {
        var log = Path.Combine(_temp.Path, "buildkitd.log");
        DaemonLogFile.AppendMarker(log, Now);
        await File.AppendAllTextAsync(log, "first run line\n", TestContext.Current.CancellationToken);
        DaemonLogFile.AppendMarker(log, Now);
        await File.AppendAllLinesAsync(log, Enumerable.Range(1, 50).Select(i => $"line {i}"), TestContext.Current.CancellationToken);

        var tail = DaemonLogFile.ReadTail(log, 40);

        Assert.Equal(Enumerable.Range(11, 40).Select(i => $"line {i}"), tail);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
    }

    [Fact]
    public void A_missing_log_has_an_empty_tail()
    {
        Assert.Empty(DaemonLogFile.ReadTail(Path.Combine(_temp.Path, "none.log"), 40));
    }

    [Fact]
    public void A_bbolt_panic_names_the_database_under_the_root()
    {
        string[] tail =
        [
            "time=\"...\" level=info msg=\"auto snapshotter: using overlayfs\"",
            "panic: bbolt: /var/lib/buildkit/history.db: invalid freelist page: 0, page type is leaf",
            "",
            "goroutine 1 [running]:",
            "go.etcd.io/bbolt.(*freelist).read(0xc0004a2000, 0x7f1c2b5d4000)",
        ];

        Assert.Equal("/var/lib/buildkit/history.db", DaemonLogFile.FindCorruptDatabase(tail, "/var/lib/buildkit"));
        Assert.Equal("/var/lib/buildkit/history.db", DaemonLogFile.FindCorruptDatabase(tail, "/var/lib/buildkit/"));
    }

    [Theory]
    [InlineData("panic: bbolt: /etc/secrets.db: invalid page", "/var/lib/buildkit")]
    [InlineData("panic: bbolt: /var/lib/buildkit-other/cache.db: invalid page", "/var/lib/buildkit")]
    [InlineData("panic: bbolt: /var/lib/buildkit/../../etc/x.db: invalid page", "/var/lib/buildkit")]
    [InlineData("panic: runtime error: index out of range [/var/lib/buildkit/history.db]", "/var/lib/buildkit")]
    [InlineData("level=error msg=\"bbolt: /var/lib/buildkit/history.db is fine\"", "/var/lib/buildkit")]
    public void No_database_is_named_outside_the_root_or_without_a_bbolt_panic(string line, string root)
    {
        Assert.Null(DaemonLogFile.FindCorruptDatabase([line], root));
    }

    [Fact]
    public void Without_a_known_root_no_database_is_named()
    {
        Assert.Null(DaemonLogFile.FindCorruptDatabase(["panic: bbolt: /var/lib/buildkit/history.db: invalid"], null));
    }
}
