using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Tests.Processes;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>
/// Stand-ins for the tools <c>LinuxBlockDevice</c> runs, in a directory that is the whole search path (so no real
/// mkfs can run by mistake). Each records its argument vector and the locale it ran in, then answers as scripted:
/// success with no output unless told otherwise. A recording <c>sudo</c> stand-in runs the tool as its child.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FakeBlockTools
{
    private static readonly string[] Tools = ["blkid", "resize2fs", "mkfs.ext4", "mkdir", "rmdir", "mount", "sync", "umount", "blockdev"];

    private readonly string _directory;

    public FakeBlockTools(string directory)
    {
        _directory = Directory.CreateDirectory(directory).FullName;
        foreach (var tool in Tools)
        {
            FakeTools.Executable(_directory, tool, $$"""
                #!/bin/sh
                d='{{_directory}}'
                printf '%s\n' "{{tool}} $*" >> "$d/ran.log"
                printf '%s' "${LC_ALL-}" > "$d/{{tool}}.locale"
                if [ -f "$d/{{tool}}.hang" ]; then : > "$d/{{tool}}.started"; exec sleep 600; fi
                [ -f "$d/{{tool}}.out" ] && cat "$d/{{tool}}.out"
                [ -f "$d/{{tool}}.err" ] && cat "$d/{{tool}}.err" >&2
                exit "$(cat "$d/{{tool}}.exit" 2>/dev/null || echo 0)"
                """);
        }

        var standIn = Directory.CreateDirectory(Path.Combine(_directory, "stand-in")).FullName;
        FakeTools.Sudo(standIn);
        FakeTools.Executable(_directory, "sudo", $$"""
            #!/bin/sh
            printf '%s\n' "sudo $*" >> '{{_directory}}/sudo.log'
            exec '{{standIn}}/sudo' "$@"
            """);
    }

    public string SearchPath => _directory;

    /// <summary>What the tools ran with, one line each (<c>tool arg…</c>).</summary>
    public IReadOnlyList<string> Ran => Lines("ran.log");

    /// <summary>What sudo was asked to run, one line each, the fake directory left out of the tool paths.</summary>
    public IReadOnlyList<string> Sudo => [.. Lines("sudo.log").Select(l => l.Replace(_directory + "/", string.Empty, StringComparison.Ordinal))];

    public FakeBlockTools Reply(string tool, int exitCode, string standardOutput = "", string standardError = "")
    {
        File.WriteAllText(Path.Combine(_directory, tool + ".exit"), exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(_directory, tool + ".out"), standardOutput);
        File.WriteAllText(Path.Combine(_directory, tool + ".err"), standardError);
        return this;
    }

    /// <summary>The tool never finishes on its own.</summary>
    public FakeBlockTools Hang(string tool)
    {
        File.WriteAllText(Path.Combine(_directory, tool + ".hang"), string.Empty);
        return this;
    }

    public bool Started(string tool) => File.Exists(Path.Combine(_directory, tool + ".started"));

    public string? LocaleOf(string tool) => File.Exists(Path.Combine(_directory, tool + ".locale")) ? File.ReadAllText(Path.Combine(_directory, tool + ".locale")) : null;

    public FakeBlockTools Uninstall(string tool)
    {
        File.Delete(Path.Combine(_directory, tool));
        return this;
    }

    private string[] Lines(string log)
    {
        var path = Path.Combine(_directory, log);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }
}
