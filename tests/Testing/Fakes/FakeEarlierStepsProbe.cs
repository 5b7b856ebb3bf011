using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

public sealed class FakeEarlierStepsProbe : IEarlierStepsProbe
{
    public EarlierStepsReport Report { get; set; } = new(EarlierStepsResult.Succeeded, "test");

    /// <summary>What every check throws instead of answering, when set.</summary>
    public Exception? Failure { get; set; }

    public Task<EarlierStepsReport> CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Failure is { } failure ? Task.FromException<EarlierStepsReport>(failure) : Task.FromResult(Report);
    }
}
