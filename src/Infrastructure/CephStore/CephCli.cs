using System.Globalization;
using System.Text.RegularExpressions;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>
/// Runs <c>rbd</c> and <c>rados</c> against the configured cluster, argv only. Every call names the config file, the
/// user and the keyring, so that no client looks for monitors on its own (a Ceph client without a <c>mon host</c> asks
/// DNS for <c>_ceph-mon._tcp</c>), and bounds its connection and each request (<see cref="CephStoreOptions.CallTimeout"/>):
/// by default a Ceph client waits minutes for an unreachable cluster. A cluster that does not answer is
/// <see cref="ExternalErrorKind.Unavailable"/>, a full one a failure whose inner exception is an <see cref="IOException"/>
/// with ENOSPC, as the local store reports a full disk.
/// </summary>
internal sealed partial class CephCli(CephStoreOptions options, ProcessRunner runner)
{
    private static readonly Dictionary<string, string> CLocale = new(StringComparer.Ordinal) { ["LC_ALL"] = "C" };

    /// <summary><c>pool/namespace/image</c>, or with <paramref name="snapshot"/> <c>pool/namespace/image@snapshot</c>.</summary>
    public string Spec(string image, string? snapshot = null) =>
        $"{options.Pool}/{(options.Namespace is { } ns ? ns + "/" : string.Empty)}{image}{(snapshot is null ? string.Empty : "@" + snapshot)}";

    /// <summary>The arguments every Ceph client of this store is given: the cluster, who we are, and how long to wait.</summary>
    public IReadOnlyList<string> ClientArguments(bool boundRequests = true)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(options.CallTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string> { "-c", options.ConfigFile, "--id", options.User };
        if (options.Keyring is { } keyring)
        {
            arguments.AddRange(["--keyring", keyring]);
        }

        arguments.AddRange(["--client_mount_timeout", seconds]);
        if (boundRequests)
        {
            arguments.AddRange(["--rados_mon_op_timeout", seconds, "--rados_osd_op_timeout", seconds]);
        }

        return arguments;
    }

    /// <summary>An <c>rbd</c> call that must succeed; its standard output.</summary>
    public async Task<string> RbdAsync(string operation, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool slow = false) =>
        Ensure(operation, "rbd", await TryRbdAsync(operation, arguments, cancellationToken, slow)).Output;

    /// <summary>An <c>rbd</c> call whose failure the caller looks at (not found, exists, busy); an unreachable cluster still throws.</summary>
    public Task<CephReply> TryRbdAsync(string operation, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool slow = false) =>
        RunAsync(operation, "rbd", [.. ClientArguments(), .. arguments], slow, cancellationToken);

    /// <summary>A <c>rados</c> call in the store's pool and namespace that must succeed; its standard output.</summary>
    public async Task<string> RadosAsync(string operation, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Ensure(operation, "rados", await TryRadosAsync(operation, arguments, cancellationToken)).Output;

    /// <summary>A <c>rados</c> call whose failure the caller looks at; an unreachable cluster still throws.</summary>
    public Task<CephReply> TryRadosAsync(string operation, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var scope = new List<string>(ClientArguments()) { "-p", options.Pool };
        if (options.Namespace is { } ns)
        {
            scope.AddRange(["-N", ns]);
        }

        return RunAsync(operation, "rados", [.. scope, .. arguments], slow: false, cancellationToken);
    }

    /// <summary>Throws for a failed call, naming the tool's own message.</summary>
    public static CephReply Ensure(string operation, string tool, CephReply reply)
    {
        if (reply.Succeeded)
        {
            return reply;
        }

        var message = $"{tool} failed: {LastLine(reply)}";
        if (reply.Errno is CephReply.NoSpace or CephReply.QuotaExceeded)
        {
            // The agent maps ENOSPC to RESOURCE_EXHAUSTED, as for a full local data directory.
            throw new ExternalCallException(
                operation, ExternalErrorKind.Failed, $"the Ceph cluster is full ({LastLine(reply)}); every committed generation is intact",
                new IOException(message, reply.Errno.Value));
        }

        throw new ExternalCallException(operation, ExternalErrorKind.Failed, message);
    }

    private static string LastLine(CephReply reply) =>
        (reply.Error + "\n" + reply.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.EndsWith("complete...failed.", StringComparison.Ordinal)) ?? $"exit code {reply.ExitCode}";

    private async Task<CephReply> RunAsync(string operation, string tool, IReadOnlyList<string> arguments, bool slow, CancellationToken cancellationToken)
    {
        // The outer bound: the client's own timeouts fire first (connect, each request), this catches anything else.
        var timeout = slow ? options.SlowCallTimeout : options.CallTimeout * 2 + TimeSpan.FromSeconds(5);
        var outcome = await runner.RunAsync(
            new ProcessCommand(tool, arguments) { Timeout = timeout, Environment = CLocale, OutputLevel = LogLevel.Debug },
            cancellationToken);
        if (outcome.Cancelled)
        {
            throw new OperationCanceledException($"{operation}: {tool} was cancelled.", cancellationToken);
        }

        if (outcome.TimedOut)
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Unavailable, $"the Ceph cluster did not answer {tool} within {timeout.TotalSeconds:0} s; nothing was changed by this call's reply");
        }

        var errno = Errno(outcome.StandardErrorTail) ?? (outcome.StandardOutput.StartsWith("No such key", StringComparison.Ordinal) ? CephReply.NoSuchEntry : null);
        var reply = new CephReply(outcome.ExitCode, outcome.StandardOutput, outcome.StandardErrorTail, outcome.ExitCode == 0 ? null : errno);
        if (!reply.Succeeded && Unreachable(reply))
        {
            throw new ExternalCallException(
                operation, ExternalErrorKind.Unavailable,
                $"cannot reach the Ceph cluster of {options.ConfigFile} within {options.CallTimeout.TotalSeconds:0} s ({LastLine(reply)}); check its monitors and OSDs");
        }

        return reply;
    }

    private static bool Unreachable(CephReply reply) =>
        reply.Errno is 110 or 111 or 108 or 113
        || reply.Error.Contains("couldn't connect to the cluster", StringComparison.Ordinal)
        || reply.Error.Contains("failed to fetch mon config", StringComparison.Ordinal)
        || reply.Error.Contains("authenticate timed out", StringComparison.Ordinal);

    private static int? Errno(string errors) =>
        ErrnoPattern().Matches(errors) is { Count: > 0 } matches
            ? int.Parse(matches[^1].Groups["errno"].Value, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"\((?<errno>\d{1,3})\) [A-Z]")]
    private static partial Regex ErrnoPattern();
}
