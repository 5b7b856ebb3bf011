using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>The step results of one job's Worker log, folded into what they say about the job.</summary>
internal sealed class WorkerLogJob
{
    private readonly List<(WorkerLogEvent Event, string Page)> _events = [];

    /// <summary>Step results and job states seen.</summary>
    public int Results => _events.Count(e => e.Event.Kind is WorkerLogEventKind.StepResult or WorkerLogEventKind.JobState);

    /// <summary>A result value the scan does not know, if any.</summary>
    public string? Unrecognised { get; private set; }

    public void Prepend(IEnumerable<WorkerLogEvent> events, string page)
    {
        var list = events.Select(e => (e, page)).ToList();
        _events.InsertRange(0, list);
        foreach (var (e, _) in list)
        {
            if (e.Kind is WorkerLogEventKind.StepResult or WorkerLogEventKind.JobState && Classify(e.Value) is null)
            {
                Unrecognised ??= e.Value;
            }
        }
    }

    /// <summary>
    /// Cancelled when any step or the job was <c>Canceled</c>, else failed when any was <c>Failed</c> or
    /// <c>Abandoned</c> (the runner's own merge lets a cancellation win over a failure); null when neither was seen.
    /// </summary>
    public EarlierStepsReport? Decisive()
    {
        string? step = null;
        (EarlierStepsResult Result, string Detail)? failed = null;
        foreach (var (e, page) in _events)
        {
            switch (e.Kind)
            {
                case WorkerLogEventKind.StepStarted:
                    step = e.Value;
                    break;
                case WorkerLogEventKind.StepResult or WorkerLogEventKind.JobState when Classify(e.Value) is { } result and not EarlierStepsResult.Succeeded:
                    var what = e.Kind == WorkerLogEventKind.StepResult ? $"step '{step ?? "?"}'" : "the job";
                    var detail = $"{what} {e.Value} ({page})";
                    if (result == EarlierStepsResult.Cancelled)
                    {
                        return new EarlierStepsReport(result, RunnerDiagnosticsProbe.Source, detail);
                    }

                    failed ??= (result, detail);
                    break;
            }
        }

        return failed is { } f ? new EarlierStepsReport(f.Result, RunnerDiagnosticsProbe.Source, f.Detail) : null;
    }

    // TaskResult as the runner prints it; the job state is empty until a step fails.
    private static EarlierStepsResult? Classify(string value) => value switch
    {
        "" or "Succeeded" or "SucceededWithIssues" or "Skipped" => EarlierStepsResult.Succeeded,
        "Failed" or "Abandoned" => EarlierStepsResult.Failed,
        "Canceled" => EarlierStepsResult.Cancelled,
        _ => null,
    };
}
