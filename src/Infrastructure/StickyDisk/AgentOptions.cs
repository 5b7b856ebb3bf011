using System.Globalization;
using System.Text;

namespace Blacksmith.Infrastructure.StickyDisk;

/// <summary>
/// Where the Blacksmith agent listens, what identifies this job to it, and how long each call may take. The values
/// that come from the runner are read once by <see cref="FromEnvironment"/>, so the store itself never looks at the
/// environment and tests can build options by hand.
/// </summary>
public sealed record AgentOptions
{
    public const string TokenVariable = "BLACKSMITH_STICKYDISK_TOKEN";
    public const string RegionVariable = "BLACKSMITH_REGION";
    public const string VmIdVariable = "BLACKSMITH_VM_ID";
    public const string InstallationModelIdVariable = "BLACKSMITH_INSTALLATION_MODEL_ID";
    public const string RepoNameVariable = "GITHUB_REPO_NAME";
    public const string PortVariable = "BLACKSMITH_STICKY_DISK_GRPC_PORT";

    /// <summary>Ours, not the runner's: points the store at another agent (a fake one in end-to-end tests).</summary>
    public const string AddressVariable = "BLACKSMITH_AGENT_ADDRESS";

    /// <summary>The VM's gateway, which also serves the registry mirror.</summary>
    public const string DefaultHost = "192.168.127.1";
    public const int DefaultPort = 5557;
    public const string DefaultRegion = "eu-central";

    /// <summary>The agent over cleartext HTTP/2; there is no TLS on the VM's private link.</summary>
    public Uri Address { get; init; } = AgentAddress(DefaultPort);

    /// <summary>The job's sticky-disk token, sent in request fields. Secret: never printed.</summary>
    public string Token { get; init; } = string.Empty;

    public string Region { get; init; } = DefaultRegion;

    public string VmId { get; init; } = string.Empty;

    public string InstallationModelId { get; init; } = string.Empty;

    /// <summary>The repository the disks belong to (<c>repo_name</c> in every request).</summary>
    public string RepoName { get; init; } = string.Empty;

    /// <summary>A connectivity check should answer at once; this only bounds a hung connection.</summary>
    public TimeSpan UpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A deadline of the adapter's own for GetStickyDisk; null (the default): the caller's alone, through its cancellation
    /// token, as the expose step bounds up and expose together (45 s). A second deadline here would only race that one.
    /// </summary>
    public TimeSpan? ExposeTimeout { get; init; }

    /// <summary>
    /// A deadline of the adapter's own for CommitStickyDisk (commit and release); null (the default): the caller's alone, as
    /// every settlement a step sends is bounded (30 s, DiskSettlementSender). A caller outside the steps gives one here.
    /// </summary>
    public TimeSpan? CommitTimeout { get; init; }

    /// <summary>A deadline of the adapter's own for ReportMetric; null (the default): the caller's alone (the job driver's 2 s).</summary>
    public TimeSpan? MetricTimeout { get; init; }

    /// <summary>The agent's address on a Blacksmith VM for <paramref name="port"/>.</summary>
    public static Uri AgentAddress(int port) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://{DefaultHost}:{port}"));

    /// <summary>
    /// Reads the variables Blacksmith runners set. An empty variable counts as unset, as it does for the actions.
    /// <see cref="AddressVariable"/> replaces the whole address; otherwise the port comes from
    /// <see cref="PortVariable"/> (default 5557).
    /// </summary>
    /// <param name="environment">Reads one environment variable (null: unset).</param>
    /// <exception cref="FormatException">The port or the address override is not usable.</exception>
    public static AgentOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        return new AgentOptions
        {
            Address = Read(AddressVariable) is { } address ? ParseAddress(address) : AgentAddress(ParsePort(Read(PortVariable))),
            Token = Read(TokenVariable) ?? string.Empty,
            Region = Read(RegionVariable) ?? DefaultRegion,
            VmId = Read(VmIdVariable) ?? string.Empty,
            InstallationModelId = Read(InstallationModelIdVariable) ?? string.Empty,
            RepoName = Read(RepoNameVariable) ?? string.Empty,
        };
    }

    // The generated ToString would print the token into any log line that mentions the options.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Address = {Address}, Token = {(Token.Length == 0 ? "(none)" : "(set)")}, ");
        builder.Append(CultureInfo.InvariantCulture, $"Region = {Region}, VmId = {VmId}, InstallationModelId = {InstallationModelId}, RepoName = {RepoName}, ");
        builder.Append(CultureInfo.InvariantCulture, $"UpTimeout = {UpTimeout}, ExposeTimeout = {Caller(ExposeTimeout)}, CommitTimeout = {Caller(CommitTimeout)}, MetricTimeout = {Caller(MetricTimeout)}");
        return true;
    }

    private static string Caller(TimeSpan? timeout) => timeout?.ToString() ?? "(the caller's)";

    private static int ParsePort(string? value)
    {
        if (value is null)
        {
            return DefaultPort;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"{PortVariable} must be a TCP port (1-65535), not '{value}'");
    }

    private static Uri ParseAddress(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var address) && address.Scheme is "http" or "https" && address.Host.Length > 0
            ? address
            : throw new FormatException($"{AddressVariable} must be an absolute http:// or https:// address, not '{value}'");
}
