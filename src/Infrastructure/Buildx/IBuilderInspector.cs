namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Reads what buildx says about a builder. Not a lifecycle port: the lifecycle never needs it; the setup host reads
/// it only to give the same outputs as docker/setup-buildx-action.
/// </summary>
public interface IBuilderInspector
{
    /// <summary><c>docker buildx inspect [name]</c>: the named builder, or the current one when null.</summary>
    Task<BuilderInspection> InspectAsync(string? name, CancellationToken cancellationToken);
}
