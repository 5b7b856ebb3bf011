using System.Text.RegularExpressions;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Ci.GitHub;

/// <summary>
/// The last resort on GitHub Actions when no <c>job-status</c> input reached post: reads the runner's
/// <c>_diag/Worker_*.log</c> trace of this job (protocols §5). Unlike the scan of the JS action it reads every page of
/// this job (the Worker starts a new file every 8 MB), only this job's (a reused runner keeps earlier jobs' files),
/// matches the runner's own spelling (<c>Canceled</c>), and can only ever say failed, cancelled or inconclusive: a trace
/// that shows no failure is not proof of success (a page it cannot read, a format it does not know, a line it does not
/// match would look the same), so the commit is skipped. Its value is the other direction: a failure it does see is
/// reported as a failure, with the step and the page.
/// </summary>
/// <remarks>
/// The trace is internal diagnostics, not an interface; it is read only when the supported input is missing. Like
/// <c>job.status</c> it counts a <c>continue-on-error</c> step as succeeded and includes post steps that ran before this one.
/// </remarks>
public sealed partial class RunnerDiagnosticsProbe : IEarlierStepsProbe
{
    public const string Source = "runner _diag Worker logs";

    private readonly Func<IReadOnlyList<string>> _candidates;

    /// <summary>Reads the first of <paramref name="diagDirectories"/> that exists.</summary>
    public RunnerDiagnosticsProbe(IReadOnlyList<string> diagDirectories)
    {
        ArgumentNullException.ThrowIfNull(diagDirectories);
        _candidates = () => diagDirectories;
    }

    private RunnerDiagnosticsProbe(Func<IReadOnlyList<string>> candidates) => _candidates = candidates;

    /// <summary>Finds the runner's <c>_diag</c> directory when asked (see <see cref="RunnerDiagDirectory.Candidates"/>).</summary>
    public static RunnerDiagnosticsProbe ForThisProcess(IEnvironmentReader environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new RunnerDiagnosticsProbe(() => RunnerDiagDirectory.Candidates(environment, Environment.ProcessId));
    }

    public async Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken)
    {
        var candidates = _candidates();
        var directory = candidates.FirstOrDefault(Directory.Exists);
        if (directory is null)
        {
            var looked = candidates.Count == 0 ? "nowhere to look" : "looked in " + string.Join(", ", candidates);
            return Inconclusive($"the runner's _diag directory was not found ({looked}); container jobs cannot see it");
        }

        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "Worker_*.log")
                .Where(f => WorkerFileName().IsMatch(Path.GetFileName(f)))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Inconclusive($"cannot list {directory}: {ex.Message}");
        }

        if (files.Length == 0)
        {
            return Inconclusive($"no Worker_*.log in {directory}");
        }

        return await ScanAsync(files, cancellationToken);
    }

    /// <summary>
    /// Reads pages from the newest back to the one where this job's Worker started (file names carry the UTC time the
    /// page was opened, so name order is time order), and judges the steps recorded after that start.
    /// </summary>
    private static async Task<EarlierStepsReport> ScanAsync(string[] files, CancellationToken cancellationToken)
    {
        var job = new WorkerLogJob();
        var read = 0;
        string? unreadable = null;
        var startFound = false;
        for (var i = files.Length - 1; i >= 0 && !startFound; i--)
        {
            List<WorkerLogEvent> events;
            try
            {
                events = await ReadEventsAsync(files[i], cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable = $"{Path.GetFileName(files[i])} could not be read: {ex.Message}";
                break;
            }

            read++;
            var start = events.FindLastIndex(e => e.Kind == WorkerLogEventKind.WorkerStarted);
            startFound = start >= 0;
            // Pages are read newest first; this page's events come before everything read so far.
            job.Prepend(events.Skip(start + 1), Path.GetFileName(files[i]));
        }

        var pages = read == 1 ? "1 Worker log page" : $"{read} Worker log pages";
        return job.Decisive() is { } decisive ? decisive
            : unreadable is not null ? Inconclusive(unreadable + "; an unread page may hold a failure")
            : !startFound ? Inconclusive($"where this job's Worker log starts was not found in {pages}")
            : job.Unrecognised is { } unknown ? Inconclusive($"step result '{unknown}' is not one the runner is known to print")
            : job.Results == 0 ? Inconclusive($"no step results in this job's {pages}; the runner's trace format may have changed")
            : Inconclusive($"{job.Results} step results in {pages}, none failed or cancelled; an undocumented trace cannot prove that the job succeeded");
    }

    private static async Task<List<WorkerLogEvent>> ReadEventsAsync(string path, CancellationToken cancellationToken)
    {
        // The Worker holds the newest page open for writing (sharing it for reads).
        var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete };
        using var reader = new StreamReader(path, options);
        var events = new List<WorkerLogEvent>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (WorkerLogLine.Parse(line) is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }

    private static EarlierStepsReport Inconclusive(string detail) => new(EarlierStepsResult.Inconclusive, Source, detail);

    // HostTraceListener names pages "Worker_{yyyyMMdd-HHmmss}-utc.log".
    [GeneratedRegex(@"^Worker_\d{8}-\d{6}-utc\.log$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerFileName();
}
