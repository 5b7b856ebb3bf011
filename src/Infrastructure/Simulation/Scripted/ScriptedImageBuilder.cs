using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// buildx in a scripted world: each build ends as the scenario's build host says (<see cref="Next"/>), since a build's
/// outcome is the scenario's input rather than a call the world answers. A build that dies with the daemon kills it
/// while it runs; one that stays running means its host was killed before it could report how the build ended.
/// </summary>
public sealed class ScriptedImageBuilder(ScriptedWorld world) : IImageBuilder
{
    /// <summary>What the killed build host's end reports.</summary>
    public const string KilledWhileBuilding = "killed before it reported how the build ended";

    /// <summary>How the next build ends; set by the replay before each build host.</summary>
    public ScriptedBuild Next { get; set; } = new(BuildOutcome.Succeeded);

    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        world.EnsureHostRuns();
        var build = Next;
        if (build.DaemonDies)
        {
            world.KillDaemon();
        }

        var report = build.Outcome switch
        {
            BuildOutcome.Running => throw world.KillHost(KilledWhileBuilding),
            BuildOutcome.Succeeded => new BuildReport(BuildResult.Succeeded, TimeSpan.Zero),
            BuildOutcome.Cancelled => new BuildReport(BuildResult.Cancelled, TimeSpan.Zero) { ErrorDetail = build.Detail },
            _ => new BuildReport(BuildResult.Failed, TimeSpan.Zero) { ErrorDetail = build.Detail },
        };
        return Task.FromResult(report);
    }
}
