using Blacksmith.Hosting.Telemetry;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Steps.Job;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// setup-docker-builder's post step: reads the session its main step saved and whether the job's trace was asked for,
/// runs the job driver's post (<see cref="JobDriver.PostAsync"/>), which decides what is drained, released, committed,
/// reported and said, and renders it. Fails the step (exit 1) whenever the driver says so: something the job held is
/// still held, the journal was unusable, or a build's secret file could not be removed.
/// </summary>
public sealed class PostHost(ICiRuntime ci, HostSettings settings, JobDriver driver, TraceExportRequest? traceRequest = null)
{
    public async Task<int> RunAsync(string freshSession, CancellationToken cancellationToken)
    {
        var (saved, notes) = SavedSession();
        var request = new PostRequest(
            saved,
            freshSession,
            new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, settings.JobDirectory),
            PostPerSetup: ci.Kind == CiKind.GitHubActions)
        {
            SessionNotes = notes,
            TraceProblem = traceRequest?.Problem,
            TraceContext = traceRequest?.CiContext,
        };
        var result = await driver.PostAsync(request, cancellationToken);
        JobNotes.Render(ci, result.Notes);
        return JobNotes.ExitCode(result.End);
    }

    /// <summary>
    /// The session setup's main step saved for this post; null when it saved none or it cannot be read, with what to say
    /// about that (said only when post goes on to drain).
    /// </summary>
    private (string? Session, IReadOnlyList<JobNote> Notes) SavedSession()
    {
        try
        {
            if (ci.GetState(SetupHost.SessionState) is { } saved)
            {
                return (saved, []);
            }

            return (null, [JobNote.Info("setup-docker-builder's main step saved no session (it did not run, or was killed at once); post acts for whichever setup owns this job's builder.")]);
        }
        catch (CiRuntimeException ex)
        {
            // An unreadable state must not keep post from releasing: the journal says who owns the builder.
            return (null, [JobNote.Warning($"setup-docker-builder post could not read the session its main step saved ({ex.Message}); it acts for whichever setup owns this job's builder.")]);
        }
    }
}
