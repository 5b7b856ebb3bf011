using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>The build secret directories of a machine: what each job's killed builds left, removed when asked.</summary>
public sealed class FakeBuildSecrets : IBuildSecrets
{
    /// <summary>The directories builds left, by job directory.</summary>
    public Dictionary<string, List<string>> Left { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, removing fails with it.</summary>
    public Exception? Failure { get; set; }

    public Task<IReadOnlyList<string>> RemoveLeftoversAsync(string jobDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Failure is not null)
        {
            throw Failure;
        }

        IReadOnlyList<string> removed = Left.Remove(jobDirectory, out var directories) ? directories : [];
        return Task.FromResult(removed);
    }
}
