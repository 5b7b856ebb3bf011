namespace Blacksmith.Orchestration.Ports;

/// <summary>Runs image builds (docker buildx build). Each call is one buildx invocation.</summary>
public interface IImageBuilder
{
    /// <summary>
    /// Runs one build and reports how it went. A build that fails, times out, is cancelled or has unusable inputs
    /// returns a report saying so; a missing docker or buildx throws <see cref="ExternalCallException"/>
    /// (<see cref="ExternalErrorKind.Missing"/>).
    /// </summary>
    Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken);
}
