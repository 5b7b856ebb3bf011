using System.Runtime.InteropServices;

namespace Blacksmith.Doubles.Docker;

/// <summary>containerd's platforms.Parse and Normalize, for the platforms buildx create and build accept.</summary>
internal static class Platforms
{
    private static readonly string[] KnownOs = ["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "illumos", "solaris"];

    /// <summary>Every <c>--platform</c> value, each a comma-separated list, parsed and normalised.</summary>
    public static List<Platform> ParseAll(IEnumerable<string> values) =>
        [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(Parse)];

    public static Platform Parse(string specifier)
    {
        var parts = specifier.ToLowerInvariant().Split('/');
        var (os, architecture, variant) = parts switch
        {
            [var one] when KnownOs.Contains(one) => (one, HostArchitecture(), null),
            [var one] => ("linux", one, null),
            [var o, var a] => (o, a, null),
            [var o, var a, var v] => (o, a, v),
            _ => throw Unknown(specifier),
        };
        if (!KnownOs.Contains(os))
        {
            throw Unknown(specifier);
        }

        (architecture, variant) = (architecture, variant) switch
        {
            ("x86_64" or "x86-64" or "amd64", var v) => ("amd64", v),
            ("aarch64" or "arm64", "v8" or null) => ("arm64", null),
            ("aarch64" or "arm64", var v) => ("arm64", v),
            ("armhf", _) => ("arm", "v7"),
            ("armel", _) => ("arm", "v6"),
            ("arm", null or "7") => ("arm", "v7"),
            ("arm", var v) => ("arm", v),
            ("i386" or "386", _) => ("386", null),
            ("ppc64le" or "s390x" or "riscv64" or "mips64le" or "mips64" or "loong64", var v) => (architecture, v),
            _ => throw Unknown(specifier),
        };
        return new Platform { Os = os, Architecture = architecture, Variant = variant };
    }

    private static string HostArchitecture() => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";

    private static BuildxException Unknown(string specifier) =>
        new($"\"{specifier}\": unknown operating system or architecture: invalid argument");
}
