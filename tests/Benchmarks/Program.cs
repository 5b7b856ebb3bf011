// Benchmarks that print numbers; they are not timed tests and assert nothing about speed.
//   dotnet run -c Release --project tests/Benchmarks -- journal
//   dotnet run -c Release --project tests/Benchmarks -- hosts [path/to/blacksmith]   (eng/publish.sh linux-x64 first; hyperfine, strace, root)
//   dotnet run -c Release --project tests/Benchmarks -- readiness [path/to/blacksmith]   (only the hosts benchmark's readiness part)
//   dotnet run -c Release --project tests/Benchmarks -- replay   (the JIT build and the Native AOT publish of tests/Tools/ReplayRounds)
//   dotnet run -c Release --project tests/Benchmarks -- device-usage [/dev/loopN]   (as root: the lease check's look at one device)
//   dotnet run -c Release --project tests/Benchmarks -- stores [path/to/blacksmith-agent]   (root; Ceph packages; dotnet build -c Release src/Hosts/Agent first)
//   dotnet run -c Release --project tests/Benchmarks -- order-file [publish/blacksmith/linux-x64]   (root; rewrites src/Hosts/Cli/blacksmith.order)
using Blacksmith.Benchmarks;

var name = args.Length > 0 ? args[0] : "";
switch (name)
{
    case "journal":
        return await JournalBenchmark.RunAsync(CancellationToken.None);
    case "replay" when OperatingSystem.IsLinux():
        return await ReplayBenchmark.RunAsync(CancellationToken.None);
    case "device-usage":
        return await DeviceUsageBenchmark.RunAsync(args.Length > 1 ? args[1] : null, CancellationToken.None);
    case "hosts" when OperatingSystem.IsLinux():
        return await HostsBenchmark.RunAsync(args.Length > 1 ? args[1] : null, readinessOnly: false, CancellationToken.None);
    case "readiness" when OperatingSystem.IsLinux():
        return await HostsBenchmark.RunAsync(args.Length > 1 ? args[1] : null, readinessOnly: true, CancellationToken.None);
    case "stores":
        return await StoresBenchmark.RunAsync(args.Length > 1 ? args[1] : null, CancellationToken.None);
    case "order-file" when OperatingSystem.IsLinux():
        return await OrderFile.RunAsync(args.Length > 1 ? args[1] : null, CancellationToken.None);
    default:
        await Console.Error.WriteLineAsync("usage: dotnet run -c Release --project tests/Benchmarks -- journal | hosts [binary] | readiness [binary] | replay | device-usage [device] | stores [agent binary] | order-file [published directory]");
        return 2;
}
