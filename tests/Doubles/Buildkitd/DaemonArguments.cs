using Tomlyn;
using Tomlyn.Model;

namespace Blacksmith.Doubles.Buildkitd;

/// <summary>The command line and config file, resolved as buildkitd does: flags override the file.</summary>
/// <param name="Root">The BuildKit root.</param>
/// <param name="Addresses">Where it listens.</param>
/// <param name="SocketUid">Owner of a unix socket (<c>[grpc] uid</c>); the daemon's own user when null.</param>
/// <param name="SocketGid">Group of a unix socket (<c>[grpc] gid</c>); the daemon's own group when null.</param>
internal sealed record DaemonArguments(string Root, IReadOnlyList<string> Addresses, uint? SocketUid = null, uint? SocketGid = null)
{
    private static readonly string[] KnownEntitlements = ["security.insecure", "network.host", "device"];

    /// <summary>Parses; returns an error message instead when buildkitd would refuse the command line.</summary>
    public static (DaemonArguments? Arguments, string? Error) Parse(string[] args)
    {
        string? config = null, root = null;
        uint? uid = null, gid = null;
        var addresses = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var (flag, inline) = Split(args[i]);
            string Value() => inline ?? (++i < args.Length ? args[i] : throw new ArgumentException($"flag needs an argument: {flag}"));
            try
            {
                switch (flag)
                {
                    case "--config":
                        config = Value();
                        break;
                    case "--root":
                        root = Value();
                        break;
                    case "--addr":
                        addresses.Add(Value());
                        break;
                    case "--allow-insecure-entitlement":
                        var entitlement = Value();
                        if (!KnownEntitlements.Contains(entitlement))
                        {
                            return (null, $"invalid entitlement: {entitlement}");
                        }

                        break;
                    case "--debug":
                        break;
                    default:
                        return (null, $"Incorrect Usage: flag provided but not defined: {flag}");
                }
            }
            catch (ArgumentException ex)
            {
                return (null, $"Incorrect Usage: {ex.Message}");
            }
        }

        if (config is not null)
        {
            TomlTable table;
            try
            {
                table = TomlSerializer.Deserialize(File.ReadAllText(config), DoubleTomlContext.Default.TomlTable)
                    ?? throw new InvalidDataException("empty config");
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or TomlException)
            {
                return (null, $"failed to load config from {config}: {ex.Message}");
            }

            root ??= table.TryGetValue("root", out var r) ? r as string : null;
            if (table.TryGetValue("grpc", out var grpc) && grpc is TomlTable grpcTable)
            {
                if (addresses.Count == 0 && grpcTable.TryGetValue("address", out var list) && list is TomlArray array)
                {
                    addresses.AddRange(array.OfType<string>());
                }

                uid = grpcTable.TryGetValue("uid", out var u) && u is long uidValue ? (uint)uidValue : null;
                gid = grpcTable.TryGetValue("gid", out var g) && g is long gidValue ? (uint)gidValue : null;
            }
        }

        root ??= "/var/lib/buildkit";
        if (addresses.Count == 0)
        {
            addresses.Add("unix:///run/buildkit/buildkitd.sock");
        }

        return (new DaemonArguments(Path.GetFullPath(root), addresses, uid, gid), null);
    }

    private static (string Flag, string? Inline) Split(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var flag = equals > 0 ? argument[..equals] : argument;
        // Go's flag package accepts -flag and --flag alike.
        if (flag.StartsWith('-') && !flag.StartsWith("--", StringComparison.Ordinal))
        {
            flag = "-" + flag;
        }

        return (flag, equals > 0 ? argument[(equals + 1)..] : null);
    }
}
