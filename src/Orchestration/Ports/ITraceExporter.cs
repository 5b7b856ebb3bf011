using Blacksmith.Orchestration.Telemetry;

namespace Blacksmith.Orchestration.Ports;

/// <summary>Sends a job's trace to the user's OpenTelemetry collector.</summary>
public interface ITraceExporter
{
    /// <summary>Where traces go, without credentials: for messages and the journal.</summary>
    string Destination { get; }

    /// <summary>
    /// Sends <paramref name="trace"/> once. Throws <see cref="ExternalCallException"/> when the collector cannot be
    /// reached, refuses it, or does not answer in time.
    /// </summary>
    Task ExportAsync(JobTrace trace, CancellationToken cancellationToken);
}
