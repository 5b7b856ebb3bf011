using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>A sweep that cleans nothing and notes in the trail when it ran and under which effect scope.</summary>
internal sealed class TrailSweep(List<string> trail) : IJobSweep
{
    public Task<IReadOnlyList<LeftoverCleanup>> SweepAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        trail.Add($"sweep {jobDirectory} as {EffectScope.Current}");
        return Task.FromResult<IReadOnlyList<LeftoverCleanup>>([]);
    }

    public Task<LeftoverCleanup?> CleanAsync(string jobDirectory, string why, CancellationToken cancellationToken)
    {
        trail.Add($"clean {jobDirectory}");
        return Task.FromResult<LeftoverCleanup?>(null);
    }
}
