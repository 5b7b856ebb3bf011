namespace Blacksmith.Orchestration.Ports;

/// <summary>Tells post whether the job's earlier steps succeeded (job-status input, CI variable, runner logs).</summary>
public interface IEarlierStepsProbe
{
    Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken);
}
