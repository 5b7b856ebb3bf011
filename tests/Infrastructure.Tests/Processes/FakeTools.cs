using System.Runtime.Versioning;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Processes;

/// <summary>Small executable scripts standing in for system tools in a test's own directory.</summary>
[SupportedOSPlatform("linux")]
public static class FakeTools
{
    /// <summary>
    /// A stand-in for <c>sudo</c>: it accepts exactly the options <c>Privilege</c> passes (<c>-n</c>,
    /// <c>--preserve-env=NAMES</c>, <c>--</c>), refuses anything else, and runs the command as its child (as sudo
    /// does, so the command's parent is "sudo"), relaying SIGTERM and SIGINT to it. Unlike sudo it keeps the
    /// environment and runs as the caller.
    /// </summary>
    /// <param name="directory">Where to write it.</param>
    /// <param name="lingerUntil">
    /// When given, the stand-in stays alive after its command has exited until this file exists (or its directory is
    /// gone, so a failed test leaves nothing behind), as a sudo on a loaded machine may take its time to follow its
    /// command out.
    /// </param>
    public static string Sudo(string directory, string? lingerUntil = null) => Executable(directory, "sudo", """
        #!/bin/sh
        [ "$1" = "-n" ] || { echo "sudo stand-in: expected -n first, got '$1'" >&2; exit 64; }
        shift
        case "$1" in --preserve-env=*) shift ;; esac
        [ "$1" = "--" ] || { echo "sudo stand-in: expected --, got '$1'" >&2; exit 64; }
        shift
        case "$1" in /*) ;; *) echo "sudo stand-in: command must be an absolute path: '$1'" >&2; exit 64 ;; esac
        "$@" &
        child=$!
        trap 'kill -TERM $child 2>/dev/null' TERM
        trap 'kill -INT $child 2>/dev/null' INT
        while :; do
          wait $child
          status=$?
          kill -0 $child 2>/dev/null || break
        done

        """ + (lingerUntil is null ? "" : $"while [ ! -e '{lingerUntil}' ] && [ -d '{Path.GetDirectoryName(lingerUntil)}' ]; do sleep 0.05; done\n") + "exit $status\n");

    /// <summary>Writes an executable file (0755) and returns its path.</summary>
    public static string Executable(string directory, string name, string content) => ExecutableFile.Write(Path.Combine(directory, name), content);
}
