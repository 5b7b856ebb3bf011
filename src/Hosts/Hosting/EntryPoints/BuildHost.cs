using System.Globalization;
using System.Text;
using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Build;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// build-push-action's main step: one build on the job's builder, its start and finish journaled (also when buildx
/// fails or the step is cancelled), its outputs set, its build-check warnings turned into annotations, and a summary.
/// Without setup-docker-builder in the job it still builds, on whatever builder buildx has, and says that nothing is
/// cached or reported.
/// </summary>
public sealed class BuildHost(ICiRuntime ci, BuildSequence sequence, LifecycleJournal lifecycle, IControlPlane controlPlane, JobOptions job)
{
    public async Task<int> RunAsync(BuildInputs inputs, string session, string buildId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var snapshot = await lifecycle.LoadAsync(session, cancellationToken);
        var ours = snapshot.State is LifecycleState.Ready or LifecycleState.Building && snapshot.Mode is BuilderMode.StickyDisk or BuilderMode.Attached;
        if (snapshot.State == LifecycleState.Idle)
        {
            ci.Annotate(AnnotationKind.Warning,
                "No setup-docker-builder step ran in this job: building on the current buildx builder. Nothing is cached on a sticky disk, and the build is not reported.");
        }

        var name = DisplayName(inputs);
        var request = new BuildRequest(buildId, snapshot.BuilderName ?? string.Empty, inputs);
        var reportId = ours && job.Store == StoreMode.Agent ? await ReportStartAsync(inputs, cancellationToken) : null;

        BuildRun run;
        using (ci.Group($"docker buildx build: {name}"))
        {
            run = await sequence.RunAsync(session, name, request, cancellationToken);
        }

        var report = run.Report;
        if (reportId is not null)
        {
            await ReportFinishAsync(reportId, report);
        }

        foreach (var notice in report.Notices)
        {
            ci.Annotate(AnnotationKind.Warning, notice);
        }

        foreach (var warning in report.Warnings)
        {
            ci.Annotate(AnnotationKind.Warning, warning.Detail is { } detail ? $"{warning.Message}\n{detail}" : warning.Message,
                new AnnotationProperties(Title: warning.Rule is { } rule ? $"Build check: {rule}" : "Build check", File: warning.File, Line: warning.Line));
        }

        SetOutputs(report);
        ci.TryAppendSummary(Summary(name, report, inputs));
        switch (report.Result)
        {
            case BuildResult.Succeeded:
                return ExitCodes.Success;
            case BuildResult.Cancelled:
                ci.Annotate(AnnotationKind.Error, $"The build of {name} was cancelled.");
                return ExitCodes.Cancelled;
            case BuildResult.Rejected:
                ci.Annotate(AnnotationKind.Error, $"The build of {name} did not start: {report.ErrorDetail}");
                return ExitCodes.BadInput;
            default:
                ci.Annotate(AnnotationKind.Error, run.Tracked || snapshot.State != LifecycleState.Idle
                    ? $"The build of {name} failed: {report.ErrorDetail ?? report.Result.ToString()}"
                    : $"The build of {name} failed: {report.ErrorDetail ?? report.Result.ToString()}. If buildx has no usable builder, add a setup-docker-builder step before this one.");
                return ExitCodes.Failed;
        }
    }

    private void SetOutputs(BuildReport report)
    {
        ci.SetOutput("imageid", report.ImageId ?? string.Empty);
        ci.SetOutput("digest", report.Digest ?? string.Empty);
        ci.SetOutput("metadata", report.Metadata ?? string.Empty);
    }

    private async Task<string?> ReportStartAsync(BuildInputs inputs, CancellationToken cancellationToken)
    {
        var dockerfile = inputs.File.Length > 0 ? inputs.File : Path.Combine(inputs.Context.Length > 0 ? inputs.Context : ".", "Dockerfile");
        try
        {
            return await controlPlane.ReportBuildStartedAsync(new BuildStartReport(dockerfile), cancellationToken);
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
            await controlPlane.ReportBuildFinishedAsync(
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
