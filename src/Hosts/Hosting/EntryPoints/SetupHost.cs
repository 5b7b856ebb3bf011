using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Job;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// setup-docker-builder's main step: reads and checks the inputs, saves its session for post, runs the job driver's
/// setup (<see cref="JobDriver.SetupAsync"/>), which decides everything else, and renders what it says; then the
/// builder's driver, platforms and nodes outputs from its inspect.
/// </summary>
public sealed class SetupHost(ICiRuntime ci, IEnvironmentReader environment, HostSettings settings, JobDriver driver, IBuilderInspector builders)
{
    /// <summary>The state name under which main leaves its session for post.</summary>
    public const string SessionState = "session";

    /// <param name="inputs">Read and checked by the caller (<see cref="SetupInputs.Read"/>) before the adapters were built.</param>
    /// <param name="session">This setup's session id.</param>
    /// <param name="cancellationToken">Cancels the setup (the step was cancelled).</param>
    public async Task<int> RunAsync(SetupInputs inputs, string session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (LeftoverSettings.Problem(environment.Read) is { } badDuration)
        {
            // Before anything is saved or acquired: the sweep would judge other jobs by this value.
            ci.Annotate(AnnotationKind.Error, badDuration);
            return ExitCodes.BadInput;
        }

        if (settings.Problem is { } unusable)
        {
            // Bad input, refused before any effect: no metric, no sweep, no claim.
            ci.Annotate(AnnotationKind.Error, $"setup-docker-builder: {unusable}");
            return ExitCodes.BadInput;
        }

        foreach (var warning in inputs.Warnings)
        {
            ci.Annotate(AnnotationKind.Warning, warning);
        }

        var cacheKey = inputs.CacheKey ?? DefaultCacheKey.From(environment, settings.Architecture);
        ci.Info(inputs.CacheKey is null
            ? $"Cache key: {cacheKey} (the default: repository, workflow, job and architecture; set cache-key to choose one)"
            : $"Cache key: {cacheKey}");

        // Saved before anything is acquired, so that a post after a setup killed half-way finds what to release; and saved
        // once per state: where the job's setups share one (outside GitHub Actions), a later setup never replaces the
        // first's, and post drains as the builder's owner whatever the state says (PostSession).
        if (ci.GetState(SessionState) is null)
        {
            ci.SaveState(SessionState, session);
        }

        var result = await driver.SetupAsync(
            new SetupRequest(
                session,
                cacheKey,
                inputs.Commit,
                new DaemonLaunch(settings.DaemonAddress, settings.MountPoint, settings.JobDirectory),
                settings.Budgets.DaemonReady,
                inputs.NoFallback,
                inputs.MaxCacheSizeMb),
            cancellationToken);
        JobNotes.Render(ci, result.Notes);
        if (result.BuilderName is { } name)
        {
            await SetBuilderOutputsAsync(name, cancellationToken);
        }

        return JobNotes.ExitCode(result.End);
    }

    /// <summary>driver, platforms and nodes, as setup-buildx-action sets them from the builder's inspect.</summary>
    private async Task SetBuilderOutputsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (output, value) in BuilderOutputs.From(await builders.InspectAsync(name, cancellationToken)))
            {
                ci.SetOutput(output, value);
            }
        }
        catch (ExternalCallException ex)
        {
            // The builder works (setup checked it); only its description is missing, which no build needs.
            ci.Info($"The driver, platforms and nodes outputs are not set: {ex.Message}");
        }
    }
}
