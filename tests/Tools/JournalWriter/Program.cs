// One OS process appending effect records to a job's journal, for the multi-process test and the benchmark.
//   dotnet Blacksmith.Tools.JournalWriter.dll <jobDir> <writerId> <count> [--wait] [--latency]
// Each record is one append (one lock, one write, one fsync) whose effect arguments name the writer and the index.
// --wait   prints "ready" and waits for a line on stdin before appending, so that several writers start together.
// --latency prints each append's latency in microseconds, one per line, after "latencies".
// --hold   makes one append that, inside its critical section (the lock and its turn held, nothing written yet),
//          prints "holding" and waits for a line on stdin: a test kills it there.
// --prepare prepares the job directory first, as every host does before its first append (JobDirectory.Prepare).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Orchestration.Journal;
using Microsoft.Extensions.Logging.Abstractions;

if (args.Length < 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count) || count < 0)
{
    await Console.Error.WriteLineAsync("usage: JournalWriter <jobDir> <writerId> <count> [--wait] [--latency]");
    return 2;
}

var (jobDir, writerId) = (args[0], args[1]);
var wait = args.Contains("--wait");
var reportLatency = args.Contains("--latency");
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
if (args.Contains("--prepare"))
{
    new JobDirectory(Path.GetFullPath(jobDir), JobDirectorySource.Flag).Prepare();
}

if (args.Contains("--hold"))
{
    var held = new EffectRecord("test", "hold", new Dictionary<string, string> { ["writer"] = writerId }, EffectOutcome.Succeeded, DurationMs: 0);
    var draft = new JournalDraft(DateTimeOffset.UtcNow, $"writer-{writerId}", JournalRecordKind.Effect, "test.hold", JsonSerializer.SerializeToElement(held, JournalJsonContext.Default.EffectRecord));
    await new JournalFile(jobDir).AppendAsync(long.MaxValue, seen =>
    {
        Console.Out.WriteLine("holding");
        Console.Out.Flush();
        _ = Console.In.ReadLine();
        return [draft];
    }, timeout.Token);
    return 0;
}

var journal = new LifecycleJournal(new JournalFile(jobDir), TimeProvider.System, NullLogger<LifecycleJournal>.Instance);
if (wait)
{
    Console.Out.WriteLine("ready");
    await Console.Out.FlushAsync();
    if (await Console.In.ReadLineAsync(timeout.Token) is null)
    {
        await Console.Error.WriteLineAsync("stdin closed before the start signal");
        return 3;
    }
}

var latencies = new long[count];
for (var i = 0; i < count; i++)
{
    var arguments = new Dictionary<string, string>
    {
        ["writer"] = writerId,
        ["index"] = i.ToString(CultureInfo.InvariantCulture),
    };
    var effect = new EffectRecord("test", "append", arguments, EffectOutcome.Succeeded, DurationMs: 0, Result: JsonSerializer.SerializeToElement($"{writerId}:{i}", JournalJsonContext.Default.String));
    var started = Stopwatch.GetTimestamp();
    await journal.RecordEffectAsync($"writer-{writerId}", effect, timeout.Token);
    latencies[i] = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
}

if (reportLatency)
{
    var output = new System.Text.StringBuilder("latencies\n");
    foreach (var latency in latencies)
    {
        output.Append(latency.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    await Console.Out.WriteAsync(output.ToString());
}

return 0;
