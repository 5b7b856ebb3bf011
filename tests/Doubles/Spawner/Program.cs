// A stand-in for a setup step that starts the daemon:
//   detached-spawner <logFile> <program> [args...]
// Spawns <program> detached with this process's environment and its output appended to <logFile>, prints
// "<pid> <startTimeTicks>" and exits 0. A test that runs it with piped output reads that output to its end: the end
// only comes if the detached child inherited none of the pipes.
using System.Collections;
using System.Globalization;
using Blacksmith.Infrastructure.Processes;

if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: detached-spawner <logFile> <program> [args...]");
    return 2;
}

var environment = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
{
    environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
}

var spawned = DetachedProcess.Spawn(args[1], args[2..], environment, args[0]);
Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{spawned.Pid} {spawned.StartTimeTicks}"));
return 0;
