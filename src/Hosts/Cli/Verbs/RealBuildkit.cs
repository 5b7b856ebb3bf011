using Blacksmith.Infrastructure.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Cli.Verbs;

/// <summary>Whether this machine has the real BuildKit tools a local run can drive.</summary>
internal static class RealBuildkit
{
    public static async Task<bool> AvailableAsync(CancellationToken cancellationToken)
    {
        if (ExecutableResolver.Resolve("buildkitd") is null || ExecutableResolver.Resolve("buildctl") is null || ExecutableResolver.Resolve("docker") is null)
        {
            return false;
        }

        // docker without the buildx plugin is common (this project's own machines have one).
        var runner = new ProcessRunner(NullLogger<ProcessRunner>.Instance, TimeProvider.System);
        var outcome = await runner.RunAsync(
            new ProcessCommand("docker", ["buildx", "version"]) { Timeout = TimeSpan.FromSeconds(10), OutputLevel = Microsoft.Extensions.Logging.LogLevel.Debug },
            cancellationToken);
        return outcome is { ExitCode: 0, TimedOut: false };
    }
}
