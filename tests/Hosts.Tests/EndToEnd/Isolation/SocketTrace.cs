using System.Text.RegularExpressions;

namespace Blacksmith.Hosts.Tests.EndToEnd.Isolation;

/// <summary>
/// The socket addresses a traced process tree tried to reach, read from <c>strace -f -e
/// trace=connect,sendto,sendmsg,sendmmsg</c> output. Every way to open a conversation with someone names them: a
/// stream socket's <c>connect</c>, a datagram's <c>connect</c> or its destination in <c>sendto</c>/<c>sendmsg</c>/
/// <c>sendmmsg</c> (glibc's resolver uses both). A send without an address goes to the socket's connected peer,
/// which its <c>connect</c> already named.
/// </summary>
internal static partial class SocketTrace
{
    public static IReadOnlyList<SocketTarget> Targets(IEnumerable<string> lines)
    {
        var targets = new List<SocketTarget>();
        foreach (var line in lines)
        {
            if (!Call().IsMatch(line))
            {
                continue;
            }

            var found = false;
            foreach (Match address in Address().Matches(line))
            {
                found = true;
                targets.Add(address.Groups["family"].Value switch
                {
                    "AF_INET" when Inet().Match(address.Value) is { Success: true } m => new SocketTarget("AF_INET", m.Groups["ip"].Value, int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture), line),
                    "AF_INET6" when Inet6().Match(address.Value) is { Success: true } m => new SocketTarget("AF_INET6", m.Groups["ip"].Value, int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture), line),
                    "AF_UNIX" when Unix().Match(address.Value) is { Success: true } m => new SocketTarget("AF_UNIX", m.Groups["abstract"].Value + m.Groups["path"].Value, null, line),
                    var family => new SocketTarget(family, "", null, line),
                });
            }

            // A connect whose address strace could not decode is still an attempt to reach someone.
            if (!found && line.Contains("connect(", StringComparison.Ordinal) && !line.Contains("resumed>", StringComparison.Ordinal))
            {
                targets.Add(new SocketTarget("undecoded", "", null, line));
            }
        }

        return targets;
    }

    [GeneratedRegex(@"\b(connect|sendto|sendmsg|sendmmsg)\(")]
    private static partial Regex Call();

    // One sockaddr as strace prints it: {sa_family=AF_…, …} (nested braces do not occur inside one).
    [GeneratedRegex(@"sa_family=(?<family>AF_[A-Z0-9]+)[^}]*")]
    private static partial Regex Address();

    [GeneratedRegex(@"sin_port=htons\((?<port>\d+)\), sin_addr=inet_addr\(""(?<ip>[^""]+)""\)")]
    private static partial Regex Inet();

    [GeneratedRegex(@"sin6_port=htons\((?<port>\d+)\).*?inet_pton\(AF_INET6, ""(?<ip>[^""]+)""")]
    private static partial Regex Inet6();

    [GeneratedRegex(@"sun_path=(?<abstract>@?)""(?<path>[^""]*)""")]
    private static partial Regex Unix();
}
