using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Job;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// build-push-action's main step: one build through the job driver (<see cref="JobDriver.PlanBuildAsync"/>,
/// <see cref="JobDriver.BuildAsync(BuildPlan, CancellationToken)"/>), buildx's own output in a group of the job log, and
/// what the driver says about it rendered around that group.
/// </summary>
public sealed class BuildHost(ICiRuntime ci, JobDriver driver)
{
    public async Task<int> RunAsync(BuildInputs inputs, string session, string buildId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var plan = await driver.PlanBuildAsync(session, buildId, inputs, cancellationToken);
        JobNotes.Render(ci, plan.Notes);
        BuildStepResult result;
        using (ci.Group($"docker buildx build: {plan.Name}"))
        {
            result = await driver.BuildAsync(plan, cancellationToken);
        }

        JobNotes.Render(ci, result.Notes);
        return JobNotes.ExitCode(result.End);
    }
}
