using Blacksmith.Infrastructure.Journal;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>
/// How often an append asks the disk: each record is flushed once, and a new journal's name once. Counted with strace on
/// a writer process, so what is counted is what the kernel was asked.
/// </summary>
public sealed class JournalFileFsyncTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Appends_to_a_new_journal_flush_each_record_once_and_the_directory_once()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && OnPath("strace") is not null, "needs Linux and strace to count the flushes");
        const int appends = 3;
        var jobDir = _temp.Sub("job");
        var trace = Path.Combine(_temp.Path, "fsync.strace");

        using (var writer = JournalWriterProcesses.StartTraced(trace, "fsync,fdatasync", jobDir, writer: 1, count: appends))
        {
            var stderr = writer.StandardError.ReadToEndAsync(Ct);
            await writer.WaitForExitAsync(Ct);
            Assert.True(writer.ExitCode == 0, $"the traced writer exited with {writer.ExitCode}: {await stderr}");
        }

        // strace -y names each descriptor's file: fsync(5</tmp/…/job/journal.jsonl>) = 0.
        var flushes = (await File.ReadAllLinesAsync(trace, Ct)).Where(l => l.Contains("sync(", StringComparison.Ordinal)).ToList();
        var journal = Path.Combine(jobDir, JournalFile.JournalFileName);
        Assert.Equal(appends, flushes.Count(l => l.Contains($"<{journal}>", StringComparison.Ordinal)));
        Assert.Equal(1, flushes.Count(l => l.Contains($"<{jobDir}>", StringComparison.Ordinal)));
    }

    private static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
