using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>
/// Runs a command in a network namespace of its own whose only interface is loopback: no route leads anywhere
/// else, so any attempt to reach another address fails at once (ENETUNREACH).
/// </summary>
internal static class NetworkNamespace
{
    /// <summary>Set to 1 where these tests must run (CI as root): a missing capability then fails them instead of skipping them.</summary>
    public const string RequiredVariable = "BLACKSMITH_REQUIRE_NETNS";

    private static readonly Lazy<string?> Missing = new(Probe);

    public static string? MissingReason => Missing.Value;

    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>The command that runs <paramref name="command"/> inside a fresh namespace with loopback up.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> command) =>
        ["unshare", "--net", "--", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh", .. command];

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux only";
        }

        try
        {
            // Synchronous on purpose: this runs once, while xunit discovers the tests.
            var info = new System.Diagnostics.ProcessStartInfo("unshare") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Wrap(["true"]).Skip(1))
            {
                info.ArgumentList.Add(argument);
            }

            using var probe = System.Diagnostics.Process.Start(info)!;
            var errors = probe.StandardError.ReadToEnd();
            BoundedWait.ForExit(probe, "unshare --net true to exit");
            return probe.ExitCode == 0 ? null : $"unshare --net failed (needs root or user namespaces, and iproute2): {errors.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"unshare is not installed: {ex.Message}";
        }
    }
}
