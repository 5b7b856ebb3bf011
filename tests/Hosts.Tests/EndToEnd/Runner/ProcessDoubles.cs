using System.Reflection;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>
/// The process doubles of docker (with buildx), buildkitd and buildctl (tests/Doubles), built in their own output
/// directories. Their apphosts run from there: a copy next to these tests would resolve ASP.NET Core's framework,
/// which their runtimeconfig lacks.
/// </summary>
internal static class ProcessDoubles
{
    private static readonly (string Project, string Executable)[] Doubles = [("Docker", "docker"), ("Buildkitd", "buildkitd"), ("Buildctl", "buildctl")];

    /// <summary>
    /// Fills <paramref name="directory"/> with one executable per double, named as the real tool, that execs the
    /// double (so the pid the product sees is the double's): put it first on PATH to shadow the machine's tools.
    /// </summary>
    public static void WriteShims(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the doubles' shims are shell scripts");
        }

        Directory.CreateDirectory(directory);
        var configuration = typeof(ProcessDoubles).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var root = Actions.LauncherHarness.RepositoryRoot();
        foreach (var (project, executable) in Doubles)
        {
            var target = Path.Combine(root, "tests", "Doubles", project, "bin", configuration, "net10.0", executable);
            if (!File.Exists(target))
            {
                throw new InvalidOperationException($"The {executable} double is not built at {target}; build tests/Hosts.Tests (it references the doubles).");
            }

            ExecutableFile.Write(Path.Combine(directory, executable), $"#!/bin/sh\nexec '{target}' \"$@\"\n");
        }
    }
}
