using System.Globalization;
using System.Text.Json;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Infrastructure.Tests.Journal;

public sealed class JournalFileProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Append_from_eight_processes_keeps_every_record_in_order()
    {
        const int writers = 8;
        const int perWriter = 500;
        var jobDir = _temp.Sub("job");

        await JournalWriterProcesses.RunAsync(jobDir, writers, perWriter, TestContext.Current.CancellationToken);

        var path = Path.Combine(jobDir, JournalFile.JournalFileName);
        var raw = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.EndsWith("\n", raw, StringComparison.Ordinal);
        var lines = raw[..^1].Split('\n');
        Assert.Equal(writers * perWriter, lines.Length);
        // Every line parses on its own: no two appends were interleaved or glued together.
        Assert.All(lines, line => Assert.NotNull(JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalRecord)));

        var read = await new JournalFile(jobDir).ReadAsync(0, TestContext.Current.CancellationToken);
        Assert.Empty(read.Warnings);
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), read.Records.Select(r => r.Seq));
        var byWriter = read.Records
            .Select(r => JsonSerializer.Deserialize(r.Payload, JournalJsonContext.Default.EffectRecord)!)
            .GroupBy(e => e.Arguments["writer"])
            .ToDictionary(g => g.Key, g => g.Select(e => int.Parse(e.Arguments["index"], CultureInfo.InvariantCulture)).ToList());
        Assert.Equal(writers, byWriter.Count);
        Assert.All(byWriter.Values, indices => Assert.Equal(Enumerable.Range(0, perWriter), indices));
    }
}
