namespace Blacksmith.Cli.Verbs;

/// <summary>The local store's default data directory: system-wide for root, per user otherwise.</summary>
internal static class DataDirectory
{
    public static string Default()
    {
        if (OperatingSystem.IsLinux() && Infrastructure.Processes.Privilege.Current.IsRoot)
        {
            return "/var/lib/blacksmith";
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "blacksmith");
    }
}
