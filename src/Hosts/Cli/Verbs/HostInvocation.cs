using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Composition;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Extensions.Logging;

namespace Blacksmith.Cli.Verbs;

/// <summary>
/// What the setup, build and post verbs share: the flags every host takes, one flag per action input (used outside
/// GitHub Actions, where inputs come from INPUT_* instead), the CI runtime, logging, and the composition of the
/// real adapters with the engine.
/// </summary>
internal sealed class HostInvocation
{
    private readonly Option<string?> _jobDir = CommonOptions.JobDirectory();

    private readonly Option<string?> _store = new("--store")
    {
        Description = "Where the sticky disk comes from: agent (the sticky-disk agent of a Blacksmith runner, or a blacksmith-agent) or "
            + "local (the local store in --data-dir). Default: chosen from the environment, agent on a Blacksmith runner and local "
            + "elsewhere; the log says which and why. Flag only.",
        HelpName = "agent|local",
    };

    private readonly Option<string?> _dataDir = new("--data-dir")
    {
        Description = "The local store's data directory, an absolute path (every step of the job must find the same store). Default: "
            + $"{LocalStoreOptions.DataDirectoryVariable}, else {LocalStoreOptions.SystemDataDirectory} as root, else $XDG_DATA_HOME/blacksmith "
            + "or ~/.local/share/blacksmith.",
        HelpName = "dir",
    };

    private readonly Option<string?> _outputFile = new("--output-file")
    {
        Description = "Outside GitHub Actions: merge the step's outputs into this JSON object file (created when missing; a relative path is "
            + "resolved against the working directory). Default: print them on standard output as name=value lines. Flag only; on "
            + "GitHub Actions outputs go to GITHUB_OUTPUT.",
        HelpName = "file",
    };

    private readonly Dictionary<string, (InputHelp Help, Option<string?> Option)> _inputs = new(StringComparer.Ordinal);

    /// <param name="inputs">The action's inputs, one flag each.</param>
    /// <param name="described">
    /// Whether each input's flag carries its help text. Only help prints it, and composing it for every input was about
    /// 2 % of a post with nothing to clean up: a step's own command line is parsed without it, and one that fails is
    /// parsed again with it (BlacksmithCommandLine.Parse).
    /// </param>
    public HostInvocation(IEnumerable<InputHelp> inputs, bool described = true)
    {
        foreach (var input in inputs)
        {
            _inputs[input.Name] = (input, new Option<string?>($"--{input.Name}") { Description = described ? input.FlagDescription() : null, HelpName = "value" });
        }
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_jobDir);
        command.Options.Add(_store);
        command.Options.Add(_dataDir);
        command.Options.Add(_outputFile);
        foreach (var (_, option) in _inputs.Values)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Everything a host needs, from the parsed flags and this process's environment. Nothing is created yet: the job
    /// directory is resolved (and made by <see cref="RunAsync"/> once the inputs passed), the output file and the data
    /// directory are checked, so that a bad one is bad input before anything is done.
    /// </summary>
    /// <exception cref="JobDirectoryException">No job directory can be resolved.</exception>
    /// <exception cref="CiInputException">The output file or the data directory cannot be used.</exception>
    public HostContext Open(ParseResult parse)
    {
        var environment = ProcessEnvironment.Instance;
        var kind = CiDetection.Detect(environment);
        var jobDirectory = JobDirectory.Resolve(parse.GetValue(_jobDir), environment.Read);
        var outputFile = OutputFile(parse.GetValue(_outputFile));
        var dataDirectory = DataDirectory(parse.GetValue(_dataDir), environment);
        var verbose = parse.GetValue(CommonOptions.Verbose);
        var secrets = new SecretMasker();
        ICiRuntime ci = kind == CiKind.GitHubActions
            ? new GitHubActionsRuntime(environment, Console.Out, Random.Shared, secrets)
            : new GenericCiRuntime(
                new GenericCiOptions
                {
                    StateDirectory = jobDirectory.Path,
                    Inputs = _inputs.Values.Where(i => parse.GetResult(i.Option) is not null).ToDictionary(i => i.Help.Name, i => parse.GetValue(i.Option)),
                    OutputFile = outputFile,
                    PrintOutputs = outputFile is null,
                    Debug = verbose,
                    Style = GenericCiOptions.DetectStyle(environment),
                },
                environment,
                Console.Error,
                Console.Out,
                Random.Shared,
                TimeProvider.System,
                secrets);
        return new HostContext(ci, environment, jobDirectory, parse.GetValue(_store), dataDirectory, secrets, verbose);
    }

    /// <summary>
    /// Runs one host: checks the flags, the inputs and the store choice before anything is made (a bad value is exit 2,
    /// naming it), then makes the job directory, composes the engine, and hands it to <paramref name="run"/>.
    /// </summary>
    public async Task<int> RunAsync<TInputs>(
        ParseResult parse,
        Func<ICiRuntime, TInputs> readInputs,
        Func<HostContext, StoreMode, TInputs, JobOptions> job,
        Func<IServiceProvider, TInputs, Task<int>> run)
    {
        var context = Open(parse);
        WarnAboutSecretFlags(parse, context.Ci);
        TInputs inputs;
        StoreMode store;
        try
        {
            inputs = readInputs(context.Ci);
            (store, var why) = context.ChooseStore();
            context.Ci.Info($"Store: {NameOf(store)} ({why})");
        }
        catch (CiInputException ex)
        {
            // Here rather than in Program, which has no masker: a value read as a secret must not show in the line.
            CliErrors.Write(parse, context.Secrets.Redact(ex.Message));
            return ExitCodes.BadInput;
        }

        context.JobDirectory.Prepare();
        using var logger = context.CreateLogger();
        await using var provider = Compose(job(context, store, inputs), logger);
        return await run(provider, inputs);
    }

    /// <summary>The engine with the real adapters behind every port, recording each call in the job's journal.</summary>
    public static ServiceProvider Compose(JobOptions job, ILogger logger) => Services(job, logger).BuildServiceProvider();

    /// <summary>What <see cref="Compose"/> builds the provider from.</summary>
    internal static IServiceCollection Services(JobOptions job, ILogger logger) =>
        new ServiceCollection()
            .AddJobAdapters(job)
            // Serilog's own logger factory, not Microsoft's over a Serilog provider: every level goes to Serilog, which
            // filters, so Microsoft's would only add its filter rules and options, worked out on each step's start.
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(new SerilogLoggerFactory(logger))
            .AddBlacksmithEngine();

    // The argv of a process is readable by every user of the machine; the value itself is masked once read.
    private void WarnAboutSecretFlags(ParseResult parse, ICiRuntime ci)
    {
        foreach (var (help, option) in _inputs.Values.Where(i => i.Help.Secret && parse.GetResult(i.Option) is not null))
        {
            ci.Annotate(AnnotationKind.Warning,
                $"--{help.Name} was given on the command line, where any local user can read it (/proc/{Environment.ProcessId}/cmdline). "
                + $"Pass it in {help.Variable}{(help.SecretAlternative is null ? "" : $", or use {help.SecretAlternative},")} instead.");
        }
    }

    // Named here, not by Enum.ToString, which reads the enum's fields through reflection on first use under Native AOT.
    private static string NameOf(StoreMode store) => store switch
    {
        StoreMode.Agent => "agent",
        StoreMode.Local => "local",
        _ => store.ToString().ToLowerInvariant(),
    };

    private static string? OutputFile(string? given)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        // Resolved once, so that the file named is the one written, whatever the process does to its directory.
        var path = Path.GetFullPath(given);
        if (Directory.Exists(path))
        {
            throw new CiInputException("output-file", $"--output-file {given} is a directory; give the path of a JSON file to merge the outputs into (it is created when missing).");
        }

        if (Path.GetDirectoryName(path) is { } parent && File.Exists(parent))
        {
            throw new CiInputException("output-file", $"--output-file {given} is inside {parent}, which is a file; give the path of a JSON file in a directory.");
        }

        return path;
    }

    private static string DataDirectory(string? flag, IEnvironmentReader environment)
    {
        var (value, origin) = !string.IsNullOrWhiteSpace(flag)
            ? (flag.Trim(), "--data-dir")
            : (LocalStoreOptions.DefaultDataDirectory(environment.Read, Privilege.Current.IsRoot), LocalStoreOptions.DataDirectoryVariable);
        if (!Path.IsPathFullyQualified(value))
        {
            throw new CiInputException("data-dir",
                $"{origin} must be an absolute path, not '{value}': steps of one job may run in different working directories, and each must find the same store.");
        }

        return File.Exists(value)
            ? throw new CiInputException("data-dir", $"{origin} {value} is a file; give the local store's data directory (it is created when missing).")
            : value;
    }
}
