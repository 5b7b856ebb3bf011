using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.Ci.GitHub;

namespace Blacksmith.Infrastructure.Ci.Generic;

/// <summary>
/// Any CI without GitHub's runner protocol (GitLab CI, Buildkite, a shell script): inputs from flags, then
/// <c>BLACKSMITH_&lt;NAME&gt;</c> variables; state in <c>state.json</c> in a directory every step of the job shares;
/// outputs to a JSON file and/or standard output; annotations and groups as plain log lines.
/// </summary>
/// <remarks>
/// Inputs are parsed exactly as on GitHub Actions (trimming, booleans, lists), so one workflow's values mean the same
/// everywhere. As on GitHub, <see cref="GetState"/> shows what earlier steps saved, not what this process saves.
/// </remarks>
/// <param name="options">Flags and files.</param>
/// <param name="environment">The process environment (<c>BLACKSMITH_*</c> inputs).</param>
/// <param name="log">The stream the host's log lines go to (standard error).</param>
/// <param name="standardOutput">Where <see cref="GenericCiOptions.PrintOutputs"/> prints outputs.</param>
/// <param name="random">The source of heredoc delimiters for multi-line outputs.</param>
/// <param name="time">Timestamps of GitLab sections.</param>
/// <param name="secrets">The process's secrets, shared with the log formatter: no other masking exists here.</param>
public sealed class GenericCiRuntime(
    GenericCiOptions options,
    IEnvironmentReader environment,
    TextWriter log,
    TextWriter standardOutput,
    Random random,
    TimeProvider time,
    SecretMasker secrets) : ICiRuntime
{
    public const string StateFileName = "state.json";
    public const string SummaryFileName = "summary.md";

    private readonly LineWriter _log = new(log);
    private readonly LineWriter _stdout = new(standardOutput);
    private readonly JsonMapFile _state = new(Path.Combine(options.StateDirectory, StateFileName), "state", Path.Combine(options.StateDirectory, StateFileName + ".lock"));
    private readonly JsonMapFile? _outputs = options.OutputFile is { } file
        ? new(file, "output", Path.Combine(options.StateDirectory, "outputs.lock"))
        : null;
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<string, string>? _earlierState;
    private int _postMarkerSaved;
    private int _groups;

    public CiKind Kind => CiKind.Generic;

    public bool IsPost => GetState(GitHubActionsRuntime.PostMarker) is { Length: > 0 };

    /// <summary>
    /// <c>BLACKSMITH_</c> + the name upper-cased (invariant) with hyphens and spaces turned into <c>_</c>, so shells
    /// can set it: <c>cache-key</c> is <c>BLACKSMITH_CACHE_KEY</c>.
    /// </summary>
    public static string InputVariable(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return "BLACKSMITH_" + name.Replace('-', '_').Replace(' ', '_').ToUpperInvariant();
    }

    public string GetInput(string name) => Read(name).Value;

    public string GetRequiredInput(string name)
    {
        var (value, origin) = Read(name);
        return value.Length > 0
            ? value
            : throw new CiInputException(name, $"Input required and not supplied: {name} (pass {origin}).");
    }

    public string GetSecretInput(string name)
    {
        var value = GetInput(name);
        MaskSecret(value);
        return value;
    }

    public bool GetBooleanInput(string name, bool defaultValue)
    {
        var (value, origin) = Read(name);
        return InputParsing.ParseBoolean(name, value, defaultValue, origin);
    }

    public IReadOnlyList<string> GetListInput(string name, ListInputOptions options = ListInputOptions.None)
    {
        var (value, origin) = Read(name);
        return ListInputParser.Split(name, value, options, origin);
    }

    public string DescribeInput(string name) => Read(name).Origin;

    public CiJobStatus? GetJobStatus()
    {
        var (value, origin) = Read(JobStatusInput.Name);
        return value.Length == 0 ? null : JobStatusInput.Parse(value, origin);
    }

    public void SaveState(string name, string value)
    {
        EnvironmentFile.ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        _ = EarlierState();
        var marker = !IsPost && Interlocked.Exchange(ref _postMarkerSaved, 1) == 0;
        _state.Update(map =>
        {
            if (marker)
            {
                map[GitHubActionsRuntime.PostMarker] = "true";
            }

            map[name] = value;
        });
    }

    public string? GetState(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return EarlierState().GetValueOrDefault(name);
    }

    public void SetOutput(string name, string value)
    {
        EnvironmentFile.ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        _outputs?.Update(map => map[name] = value);
        if (options.PrintOutputs)
        {
            // One write, so that an entry's lines stay together next to concurrent ones.
            _stdout.WriteLine(value.AsSpan().IndexOfAny('\r', '\n') < 0
                ? $"{name}={value}"
                : EnvironmentFile.Entry(name, value, random).TrimEnd('\n'));
        }
    }

    public void AppendSummary(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var path = Path.Combine(options.StateDirectory, SummaryFileName);
        var text = markdown.EndsWith('\n') ? markdown : markdown + "\n";
        lock (_lock)
        {
            try
            {
                Directory.CreateDirectory(options.StateDirectory);
                File.AppendAllText(path, secrets.Redact(text), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CiRuntimeException($"Cannot append to the summary file '{path}': {ex.Message}", ex);
            }
        }
    }

    public void MaskSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        secrets.Add(secret);
    }

    public void Debug(string message)
    {
        if (options.Debug)
        {
            Write("[debug] " + message);
        }
    }

    public void Annotate(AnnotationKind kind, string message, AnnotationProperties? properties = null)
    {
        // One line whatever the message quotes: a line break would start a line that reads as the log's own.
        var line = OneLine.Escape(secrets.Redact(Annotation(kind.ToString(), message, properties)));

        // GitLab and Buildkite colour ANSI, as a terminal does: a warning must stand out from the tool output around it.
        // A plain log may be a file, where escape codes would be noise.
        _log.WriteLine(options.Style == GenericLogStyle.Plain ? line : kind switch
        {
            AnnotationKind.Error => $"\e[31;1m{line}\e[0m",
            AnnotationKind.Warning => $"\e[33;1m{line}\e[0m",
            _ => line,
        });
    }

    public void Info(string message) => Write(message);

    public IDisposable Group(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var shown = OneLine.Escape(secrets.Redact(title));
        switch (options.Style)
        {
            case GenericLogStyle.GitLab:
                // Section names allow letters, digits, '_', '.' and '-'; start and end must match.
                var section = $"blacksmith_{Interlocked.Increment(ref _groups).ToString(CultureInfo.InvariantCulture)}";
                _log.WriteLine($"\e[0Ksection_start:{Now()}:{section}[collapsed=true]\r\e[0K{shown}");
                return new GroupScope(() => _log.WriteLine($"\e[0Ksection_end:{Now()}:{section}\r\e[0K"));
            case GenericLogStyle.Buildkite:
                // A Buildkite group lasts until the next header; "---" starts it collapsed.
                _log.WriteLine($"--- {shown}");
                return new GroupScope(() => { });
            default:
                _log.WriteLine($"== {shown}");
                return new GroupScope(() => { });
        }
    }

    private string Now() => time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private void Write(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _log.WriteLine(secrets.Redact(message));
    }

    private static string Annotation(string kind, string message, AnnotationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder(kind).Append(": ");
        if (properties?.Title is { Length: > 0 } title)
        {
            text.Append(title).Append(": ");
        }

        text.Append(message);
        if (properties?.File is { Length: > 0 } file)
        {
            text.Append(" (").Append(file);
            if (properties.Line is > 0 and var line)
            {
                text.Append(':').Append(line.ToString(CultureInfo.InvariantCulture));
                if (properties.Column is > 0 and var column)
                {
                    text.Append(':').Append(column.ToString(CultureInfo.InvariantCulture));
                }
            }

            text.Append(')');
        }

        return text.ToString();
    }

    // A blank flag counts as not given, as for --job-dir.
    private (string Value, string Origin) Read(string name)
    {
        var variable = InputVariable(name);
        if (options.Inputs.TryGetValue(name, out var flag) && !string.IsNullOrWhiteSpace(flag))
        {
            return (InputParsing.JsTrim(flag), "--" + name);
        }

        if (environment.Read(variable) is { } value && !string.IsNullOrWhiteSpace(value))
        {
            return (InputParsing.JsTrim(value), variable);
        }

        return (string.Empty, $"--{name} or {variable}");
    }

    // What earlier stages saved, read once and before this process saves anything.
    private IReadOnlyDictionary<string, string> EarlierState()
    {
        lock (_lock)
        {
            return _earlierState ??= _state.Read();
        }
    }
}
