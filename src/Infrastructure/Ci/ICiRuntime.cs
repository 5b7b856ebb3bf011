namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// What a host needs from the CI system it runs in: inputs, state carried from main to post, outputs, masking,
/// annotations, log groups and the step summary. <see cref="GitHub.GitHubActionsRuntime"/> speaks the Actions runner's
/// protocol; <see cref="Generic.GenericCiRuntime"/> serves every other CI from flags, <c>BLACKSMITH_*</c> variables
/// and files.
/// </summary>
/// <remarks>
/// Every line the runtime prints goes to one writer, the same stream the host's logs go to, so a secret masked with
/// <see cref="MaskSecret"/> (or read with <see cref="GetSecretInput"/>) is registered before any later line can show
/// it. Implementations are safe to call from concurrent builds in one process.
/// </remarks>
public interface ICiRuntime
{
    /// <summary>Which protocol this runtime speaks.</summary>
    CiKind Kind { get; }

    /// <summary>
    /// Whether this process is the post stage of an action whose main stage saved state (on GitHub Actions the
    /// <c>STATE_isPost</c> marker that the first <see cref="SaveState"/> of main writes, as @docker/actions-toolkit
    /// does). The verb (<c>blacksmith post</c>) is the authority; this tells a shared entry point the same thing.
    /// </summary>
    bool IsPost { get; }

    /// <summary>An input, trimmed; <c>""</c> when it was not given.</summary>
    string GetInput(string name);

    /// <summary>An input that must not be empty.</summary>
    /// <exception cref="CiInputException">It is empty or was not given.</exception>
    string GetRequiredInput(string name);

    /// <summary>An input holding a secret (a token): masked before it is returned, so no later line can show it.</summary>
    string GetSecretInput(string name);

    /// <summary>
    /// A boolean input per the YAML 1.2 core schema, as the runner's <c>getBooleanInput</c>: <c>true</c>,
    /// <c>True</c>, <c>TRUE</c>, <c>false</c>, <c>False</c>, <c>FALSE</c>. Empty or not given:
    /// <paramref name="defaultValue"/>.
    /// </summary>
    /// <exception cref="CiInputException">Any other value; the message names the input and the accepted values.</exception>
    bool GetBooleanInput(string name, bool defaultValue);

    /// <summary>
    /// A list input, split as @docker/actions-toolkit's <c>Util.getInputList</c> v0.37.1 does: CSV records over lines,
    /// double quotes for values holding commas or line breaks, commas split unless
    /// <see cref="ListInputOptions.IgnoreComma"/>, empty items dropped, the rest trimmed.
    /// </summary>
    /// <exception cref="CiInputException">A quote is opened and never closed.</exception>
    IReadOnlyList<string> GetListInput(string name, ListInputOptions options = ListInputOptions.None);

    /// <summary>Where an input is read from, for messages (<c>INPUT_CACHE-KEY</c>, <c>--cache-key</c> …).</summary>
    string DescribeInput(string name);

    /// <summary>
    /// The job's status as the CI reports it for the post stage (input <c>job-status</c>); null when not given.
    /// </summary>
    /// <exception cref="CiInputException">A value other than those <see cref="JobStatusInput.Parse"/> accepts.</exception>
    CiJobStatus? GetJobStatus();

    /// <summary>Saves a value for the post stage of this action (<see cref="GetState"/> there).</summary>
    /// <exception cref="CiRuntimeException">The state file cannot be written.</exception>
    void SaveState(string name, string value);

    /// <summary>A value an earlier stage saved; null when none was. Values saved by this process are not visible.</summary>
    string? GetState(string name);

    /// <summary>Sets a step output.</summary>
    /// <exception cref="CiRuntimeException">The output file cannot be written.</exception>
    void SetOutput(string name, string value);

    /// <summary>Appends Markdown to the step summary.</summary>
    /// <exception cref="CiRuntimeException">The summary file cannot be written, or would pass the runner's 1 MiB limit.</exception>
    void AppendSummary(string markdown);

    /// <summary>Registers a secret so that it never shows in the log (each of its lines too). Blank values are ignored.</summary>
    void MaskSecret(string secret);

    /// <summary>A line shown only when step debug logging is on.</summary>
    void Debug(string message);

    /// <summary>
    /// A notice, warning or error annotation (shown on the run's summary page, at most 10 of each kind per step). An
    /// error does not fail the step: the exit code does.
    /// </summary>
    void Annotate(AnnotationKind kind, string message, AnnotationProperties? properties = null);

    /// <summary>A plain log line (or lines), never able to act as a workflow command.</summary>
    void Info(string message);

    /// <summary>Starts a collapsible group of log lines; disposing it ends the group.</summary>
    IDisposable Group(string title);
}
