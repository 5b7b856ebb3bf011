using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

/// <summary>
/// One step process as the runner sets it up: fresh, empty environment files in a file-commands directory, their
/// paths in the environment, and a log stream to read back.
/// </summary>
internal sealed class GitHubStep : IDisposable
{
    private readonly TempDirectory _temp = new();

    public GitHubStep(Random? random = null, SecretMasker? secrets = null)
    {
        Environment = new DictionaryEnvironment(("GITHUB_ACTIONS", "true"));
        foreach (var (variable, prefix) in Files)
        {
            var path = System.IO.Path.Combine(_temp.Path, prefix + Guid.NewGuid().ToString("D"));
            File.WriteAllText(path, string.Empty);
            Environment[variable] = path;
        }

        Secrets = secrets ?? new SecretMasker();
        Runtime = new GitHubActionsRuntime(Environment, Log, random ?? new Random(1), Secrets);
    }

    public static IReadOnlyList<(string Variable, string Prefix)> Files { get; } =
    [
        ("GITHUB_OUTPUT", "set_output_"), ("GITHUB_STATE", "save_state_"), ("GITHUB_ENV", "set_env_"),
        ("GITHUB_STEP_SUMMARY", "step_summary_"),
    ];

    public DictionaryEnvironment Environment { get; }

    public StringWriter Log { get; } = new();

    public SecretMasker Secrets { get; }

    public GitHubActionsRuntime Runtime { get; }

    public string Directory => _temp.Path;

    public string[] LogLines => Log.ToString().Split('\n')[..^1];

    public string FileOf(string variable) => Environment.Read(variable)!;

    public string Text(string variable) => File.ReadAllText(FileOf(variable));

    /// <summary>The file as the runner reads it after the step exits.</summary>
    public List<KeyValuePair<string, string>> Pairs(string variable) => RunnerEnvironmentFile.Parse(Text(variable));

    public void Dispose()
    {
        Log.Dispose();
        _temp.Dispose();
    }
}
