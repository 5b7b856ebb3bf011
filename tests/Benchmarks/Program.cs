// Benchmarks that print numbers; they are not timed tests and assert nothing about speed.
//   dotnet run -c Release --project tests/Benchmarks -- journal
using Blacksmith.Benchmarks;

var name = args.Length > 0 ? args[0] : "";
switch (name)
{
    case "journal":
        return await JournalBenchmark.RunAsync(CancellationToken.None);
    default:
        await Console.Error.WriteLineAsync("usage: dotnet run -c Release --project tests/Benchmarks -- journal");
        return 2;
}
