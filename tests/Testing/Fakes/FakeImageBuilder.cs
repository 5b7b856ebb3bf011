using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>An image builder that answers as scripted and keeps every request.</summary>
public sealed class FakeImageBuilder : IImageBuilder
{
    public List<BuildRequest> Requests { get; } = [];

    /// <summary>What the next builds report, one per build; a success when empty.</summary>
    public Queue<BuildReport> Reports { get; } = new();

    /// <summary>When set, a build waits for cancellation instead of answering.</summary>
    public bool HangUntilCancelled { get; set; }

    /// <summary>Thrown by the next build instead of answering.</summary>
    public Exception? Failure { get; set; }

    public async Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        if (Failure is { } failure)
        {
            Failure = null;
            throw failure;
        }

        if (HangUntilCancelled)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Reports.TryDequeue(out var report)
            ? report
            : new BuildReport(BuildResult.Succeeded, TimeSpan.FromSeconds(3)) { ImageId = $"sha256:{request.BuildId}", ExitCode = 0 };
    }
}
