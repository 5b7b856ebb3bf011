using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// What the setup, build and post verbs share: the flags every host takes, one flag per action input (used outside
/// GitHub Actions, where inputs come from INPUT_* instead), the CI runtime, logging, and the composition of the
/// real adapters with the engine.
/// </summary>
internal sealed class HostInvocation
{
    private readonly Option<string?> _jobDir = CommonOptions.JobDirectory();
    private readonly Option<string?> _store = new("--store") { Description = "agent or local. Default: agent on a Blacksmith runner (BLACKSMITH_VM_ID or BLACKSMITH_STICKYDISK_TOKEN set), else local." };
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = "The local store's data directory. Default: BLACKSMITH_DATA_DIR, else /var/lib/blacksmith as root, else ~/.local/share/blacksmith." };
    private readonly Option<string?> _outputFile = new("--output-file") { Description = "Outside GitHub Actions: write the step's outputs to this JSON file." };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Log every command, transition and tool line." };
    private readonly Dictionary<string, Option<string?>> _inputs = new(StringComparer.Ordinal);

    public HostInvocation(IEnumerable<string> inputNames)
    {
        foreach (var name in inputNames)
        {
            _inputs[name] = new Option<string?>($"--{name}") { Description = $"The '{name}' input (outside GitHub Actions; else BLACKSMITH_{name.Replace('-', '_').ToUpperInvariant()})." };
        }
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_jobDir);
        command.Options.Add(_store);
        command.Options.Add(_dataDir);
        command.Options.Add(_outputFile);
        command.Options.Add(_verbose);
        foreach (var option in _inputs.Values)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Everything a host needs, built from the parsed flags and this process's environment.</summary>
    public HostContext Open(ParseResult parse)
    {
        var environment = ProcessEnvironment.Instance;
        var kind = CiDetection.Detect(environment);
        var jobDirectory = JobDirectory.Resolve(parse.GetValue(_jobDir), environment.Read).Path;
        Directory.CreateDirectory(jobDirectory);
        var secrets = new SecretMasker();
        ICiRuntime ci = kind == CiKind.GitHubActions
            ? new GitHubActionsRuntime(environment, Console.Out, Random.Shared, secrets)
            : new GenericCiRuntime(
                new GenericCiOptions
                {
                    StateDirectory = jobDirectory,
                    Inputs = _inputs.Where(i => parse.GetResult(i.Value) is not null).ToDictionary(i => i.Key, i => parse.GetValue(i.Value)),
                    OutputFile = parse.GetValue(_outputFile),
                    PrintOutputs = parse.GetValue(_outputFile) is null,
                    Debug = parse.GetValue(_verbose),
                    Style = GenericCiOptions.DetectStyle(environment),
                },
                environment,
                Console.Error,
                Console.Out,
                Random.Shared,
                TimeProvider.System,
                secrets);
        var logger = BlacksmithLogging.Create(jobDirectory, parse.GetValue(_verbose), kind, secrets);
        return new HostContext(ci, environment, jobDirectory, parse.GetValue(_store), parse.GetValue(_dataDir) ?? LocalStoreOptions.DefaultDataDirectory(environment.Read, Privilege.Current.IsRoot), logger);
    }

    /// <summary>
    /// Runs one host: opens the job, reads and checks the inputs and the store choice before anything is built
    /// (a bad value is exit 2, naming it), composes the engine, and hands it to <paramref name="run"/>.
    /// </summary>
    public async Task<int> RunAsync<TInputs>(
        ParseResult parse,
        Func<ICiRuntime, TInputs> readInputs,
        Func<HostContext, StoreMode, TInputs, JobOptions> job,
        Func<IServiceProvider, TInputs, Task<int>> run)
    {
        using var context = Open(parse);
        TInputs inputs;
        StoreMode store;
        try
        {
            inputs = readInputs(context.Ci);
            (store, var why) = context.ChooseStore();
            context.Ci.Info($"Store: {store.ToString().ToLowerInvariant()} ({why})");
        }
        catch (CiInputException ex)
        {
            context.Ci.Annotate(AnnotationKind.Error, ex.Message);
            return ExitCodes.BadInput;
        }

        await using var provider = Compose(job(context, store, inputs), context.Logger);
        return await run(provider, inputs);
    }

    /// <summary>The engine with the real adapters behind every port, recording each call in the job's journal.</summary>
    public static ServiceProvider Compose(JobOptions job, ILogger logger) =>
        new ServiceCollection()
            .AddJobAdapters(job)
            .AddLogging(logging => logging.AddSerilog(logger))
            .AddBlacksmithEngine()
            .BuildServiceProvider();
}
