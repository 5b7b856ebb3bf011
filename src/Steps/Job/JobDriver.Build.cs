using System.Globalization;
using System.Text;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Steps.Job;

public sealed partial class JobDriver
{
    /// <summary>
    /// build-push-action's main step, before it builds: on which lifecycle, under which name, and what to say first.
    /// Without setup-docker-builder in the job it still builds, on whatever builder buildx has, and says that nothing is
    /// cached or reported.
    /// </summary>
    public async Task<BuildPlan> PlanBuildAsync(string session, string buildId, BuildInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var snapshot = await _lifecycle.LoadAsync(session, cancellationToken);
        IReadOnlyList<JobNote> notes = snapshot.State == LifecycleState.Idle
            ? [JobNote.Warning("No setup-docker-builder step ran in this job: building on the current buildx builder. Nothing is cached on a sticky disk, and the build is not reported.")]
            : [];
        return new BuildPlan(session, buildId, DisplayName(inputs), inputs, snapshot, notes);
    }

    /// <summary>
    /// One build on the job's builder, its start and finish journaled (also when buildx fails or the step is cancelled)
    /// and reported to the control plane where the job's builder is the agent's; its outputs, its build-check warnings as
    /// annotations, and a summary.
    /// </summary>
    public async Task<BuildStepResult> BuildAsync(BuildPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var inputs = plan.Inputs;
        var reportId = plan.OnOwnBuilder && _sides.Reporting.Builds ? await ReportStartAsync(inputs, cancellationToken) : null;
        var run = await _sequences.Build.RunAsync(plan.Session, plan.Name, new BuildRequest(plan.BuildId, plan.Before.BuilderName ?? string.Empty, inputs), cancellationToken);
        var report = run.Report;
        if (reportId is not null)
        {
            await ReportFinishAsync(reportId, report);
        }

        var notes = new List<JobNote>();
        notes.AddRange(report.Notices.Select(JobNote.Warning));
        notes.AddRange(report.Warnings.Select(warning => JobNote.Warning(warning.Detail is { } detail ? $"{warning.Message}\n{detail}" : warning.Message) with
        {
            Title = warning.Rule is { } rule ? $"Build check: {rule}" : "Build check",
            File = warning.File,
            Line = warning.Line,
        }));
        notes.Add(JobNote.Output("imageid", report.ImageId ?? string.Empty));
        notes.Add(JobNote.Output("digest", report.Digest ?? string.Empty));
        notes.Add(JobNote.Output("metadata", report.Metadata ?? string.Empty));
        notes.Add(JobNote.Summary(Summary(plan.Name, report, inputs)));
        var name = plan.Name;
        switch (report.Result)
        {
            case BuildResult.Succeeded:
                return new BuildStepResult(StepEnd.Succeeded, run, notes);
            case BuildResult.Cancelled:
                notes.Add(JobNote.Error($"The build of {name} was cancelled."));
                return new BuildStepResult(StepEnd.Cancelled, run, notes);
            case BuildResult.Rejected:
                notes.Add(JobNote.Error($"The build of {name} did not start: {report.ErrorDetail}"));
                return new BuildStepResult(StepEnd.BadInput, run, notes);
            default:
                notes.Add(JobNote.Error(run.Tracked || plan.Before.State != LifecycleState.Idle
                    ? $"The build of {name} failed: {report.ErrorDetail ?? report.Result.ToString()}"
                    : $"The build of {name} failed: {report.ErrorDetail ?? report.Result.ToString()}. If buildx has no usable builder, add a setup-docker-builder step before this one."));
                return new BuildStepResult(StepEnd.Failed, run, notes);
        }
    }

    /// <summary>Plans and runs one build: what an embedder or a whole job in one process needs.</summary>
    public async Task<BuildStepResult> BuildAsync(string session, string buildId, BuildInputs inputs, CancellationToken cancellationToken) =>
        await BuildAsync(await PlanBuildAsync(session, buildId, inputs, cancellationToken), cancellationToken);

    private async Task<string?> ReportStartAsync(BuildInputs inputs, CancellationToken cancellationToken)
    {
        var dockerfile = inputs.File.Length > 0 ? inputs.File : Path.Combine(inputs.Context.Length > 0 ? inputs.Context : ".", "Dockerfile");
        try
        {
            return await _controlPlane.ReportBuildStartedAsync(new BuildStartReport(dockerfile), cancellationToken);
        }
        catch (ExternalCallException)
        {
            // Reporting never fails a build; the attempt is journaled.
            return null;
        }
    }

    private async Task ReportFinishAsync(string reportId, BuildReport report)
    {
        try
        {
            // Even when the step is being cancelled: the control plane must not keep the build running.
            await _controlPlane.ReportBuildFinishedAsync(
                new BuildFinishReport(reportId, report.Succeeded, (long)report.Duration.TotalSeconds, CachedStepsRatio: null), CancellationToken.None);
        }
        catch (ExternalCallException)
        {
            // As above.
        }
    }

    private static string DisplayName(BuildInputs inputs) =>
        inputs.Tags.Count > 0 ? inputs.Tags[0]
        : inputs.Target.Length > 0 ? inputs.Target
        : inputs.File.Length > 0 ? inputs.File
        : inputs.Context.Length > 0 ? inputs.Context
        : "default context";

    private static string Summary(string name, BuildReport report, BuildInputs inputs)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"### Build {name}: {report.Result.ToString().ToLowerInvariant()}");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(inv, $"| Duration | {report.Duration.TotalSeconds:0.0} s |");
        if (inputs.Tags.Count > 0)
        {
            text.AppendLine(inv, $"| Tags | {string.Join("<br>", inputs.Tags.Select(t => $"`{t}`"))} |");
        }

        if (report.ImageId is { } image)
        {
            text.AppendLine(inv, $"| Image | `{image}` |");
        }

        if (report.Digest is { } digest)
        {
            text.AppendLine(inv, $"| Digest | `{digest}` |");
        }

        if (report.Warnings.Count > 0)
        {
            text.AppendLine(inv, $"| Build checks | {report.Warnings.Count} warning(s) |");
        }

        return text.ToString();
    }
}
