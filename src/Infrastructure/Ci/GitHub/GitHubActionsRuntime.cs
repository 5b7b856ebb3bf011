using System.Text;
using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// The GitHub Actions runner's protocol as an action process sees it (protocols §1): <c>INPUT_*</c> variables,
/// the environment files, <c>STATE_*</c> in post, and workflow commands on the log stream.
/// </summary>
/// <param name="environment">The process environment.</param>
/// <param name="output">
/// The stream the host's log lines go to (standard error in <c>BlacksmithLogging</c>). The runner reads commands from
/// both streams but not in a guaranteed order across them, so <c>::add-mask::</c> must share the stream of the lines
/// it protects.
/// </param>
/// <param name="random">The source of heredoc delimiters (<see cref="Random.Shared"/> in production).</param>
/// <param name="secrets">The process's secrets, shared with the log formatter.</param>
public sealed class GitHubActionsRuntime(IEnvironmentReader environment, TextWriter output, Random random, SecretMasker secrets) : ICiRuntime
{
    /// <summary>The runner rejects a step summary over 1 MiB.</summary>
    public const int MaxSummaryBytes = 1024 * 1024;

    /// <summary>The state key that marks the post stage (@docker/actions-toolkit's convention).</summary>
    public const string PostMarker = "isPost";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly LineWriter _log = new(output);
    private readonly EnvironmentFile _outputs = new("GITHUB_OUTPUT", environment, random);
    private readonly EnvironmentFile _state = new("GITHUB_STATE", environment, random);
    private readonly Lock _summaryLock = new();
    private int _postMarkerSaved;

    public CiKind Kind => CiKind.GitHubActions;

    public bool IsPost => !string.IsNullOrEmpty(GetState(PostMarker));

    /// <summary>
    /// <c>INPUT_</c> + the name with spaces turned into <c>_</c>, upper-cased (invariant); hyphens stay, as the runner
    /// exports them: <c>cache-key</c> is <c>INPUT_CACHE-KEY</c>.
    /// </summary>
    public static string InputVariable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "INPUT_" + name.Replace(' ', '_').ToUpperInvariant();
    }

    public string GetInput(string name) => InputParsing.JsTrim(environment.Read(InputVariable(name)) ?? string.Empty);

    public string GetRequiredInput(string name)
    {
        var value = GetInput(name);
        return value.Length > 0
            ? value
            : throw new CiInputException(name, $"Input required and not supplied: {name} ({InputVariable(name)} is empty or not set).");
    }

    public string GetSecretInput(string name)
    {
        var value = GetInput(name);
        MaskSecret(value);
        return value;
    }

    public bool GetBooleanInput(string name, bool defaultValue) =>
        InputParsing.ParseBoolean(name, GetInput(name), defaultValue, InputVariable(name));

    public IReadOnlyList<string> GetListInput(string name, ListInputOptions options = ListInputOptions.None) =>
        ListInputParser.Split(name, GetInput(name), options, InputVariable(name));

    public string DescribeInput(string name) => InputVariable(name);

    public CiJobStatus? GetJobStatus()
    {
        var value = GetInput(JobStatusInput.Name);
        return value.Length == 0 ? null : JobStatusInput.Parse(value, DescribeInput(JobStatusInput.Name));
    }

    public void SaveState(string name, string value)
    {
        if (!IsPost && Interlocked.Exchange(ref _postMarkerSaved, 1) == 0)
        {
            _state.Append(PostMarker, "true");
        }

        _state.Append(name, value);
    }

    /// <summary><c>STATE_</c> + the name as saved: the runner keeps its case.</summary>
    public string? GetState(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return environment.Read("STATE_" + name);
    }

    public void SetOutput(string name, string value) => _outputs.Append(name, value);

    public void AppendSummary(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        const string variable = "GITHUB_STEP_SUMMARY";
        var path = environment.Read(variable);
        if (string.IsNullOrEmpty(path))
        {
            throw new CiRuntimeException($"{variable} is not set, so there is no step summary to append to. Is this running as a step of a GitHub Actions job?");
        }

        var text = markdown.EndsWith('\n') ? markdown : markdown + "\n";
        lock (_summaryLock)
        {
            try
            {
                var existing = File.Exists(path) ? new FileInfo(path).Length : 0;
                var adding = Utf8.GetByteCount(text);
                if (existing + adding > MaxSummaryBytes)
                {
                    // The runner drops the whole summary when the file is too big; keep what is there instead.
                    throw new CiRuntimeException(
                        $"Not appending {adding} bytes to the {variable} file '{path}': it holds {existing} bytes and the runner rejects a summary over {MaxSummaryBytes} bytes.");
                }

                File.AppendAllText(path, text, Utf8);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new CiRuntimeException($"Cannot append to the {variable} file '{path}': {ex.Message}", ex);
            }
        }
    }

    public void MaskSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(secret))
        {
            // The runner only warns about a blank mask; there is nothing to hide.
            return;
        }

        secrets.Add(secret);
        _log.WriteLine(WorkflowCommands.Format("add-mask", secret));
    }

    public void Debug(string message) => _log.WriteLine(WorkflowCommands.Format("debug", secrets.Redact(message)));

    public void Annotate(AnnotationKind kind, string message, AnnotationProperties? properties = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var command = kind switch
        {
            AnnotationKind.Notice => "notice",
            AnnotationKind.Warning => "warning",
            _ => "error",
        };
        var shown = properties is { Title: { } title } ? properties with { Title = secrets.Redact(title) } : properties;
        _log.WriteLine(WorkflowCommands.Annotation(command, secrets.Redact(message), shown));
    }

    public void Info(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _log.WriteLine(WorkflowCommandGuard.Neutralise(secrets.Redact(message)));
    }

    public IDisposable Group(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        _log.WriteLine(WorkflowCommands.Format("group", secrets.Redact(title)));
        return new GroupScope(() => _log.WriteLine(WorkflowCommands.Format("endgroup", string.Empty)));
    }
}
