using System.Globalization;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// Where one non-root user keeps Blacksmith's machine-level state: what must outlive a job's own directory (the runner
/// empties <c>RUNNER_TEMP</c> at the start of every job) and may be shared by the jobs of this machine, but need not
/// outlive the boot. Root keeps such state in system directories, which each caller names, because the right one
/// differs (claims go to <c>/run</c>, BuildKit roots to <c>/var/lib</c>).
/// </summary>
public static class RuntimeDirectory
{
    /// <summary>
    /// <c>$XDG_RUNTIME_DIR/blacksmith</c> when that variable names an absolute path (the user's own, 0700, emptied at
    /// boot); else <c>&lt;tmp&gt;/blacksmith-&lt;uid&gt;</c>, named by the user id so that users of one machine never
    /// share one.
    /// </summary>
    /// <param name="environment">Reads one environment variable (null or blank: unset).</param>
    public static string ForUser(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("XDG_RUNTIME_DIR") is { } runtime && !string.IsNullOrWhiteSpace(runtime) && Path.IsPathFullyQualified(runtime.Trim()))
        {
            return Path.Combine(runtime.Trim(), "blacksmith");
        }

        var uid = OperatingSystem.IsLinux() ? Libc.GetEffectiveUserId().ToString(CultureInfo.InvariantCulture) : Environment.UserName;
        return Path.Combine(Path.GetTempPath(), $"blacksmith-{uid}");
    }
}
