using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using static Blacksmith.Steps.Recording.EffectCalls;

namespace Blacksmith.Steps.Recording;

/// <summary>Records every build: which build, on which builder, from what; never a secret or a build argument's value.</summary>
internal sealed class RecordingImageBuilder(IImageBuilder inner, EffectCalls calls) : IImageBuilder
{
    public Task<BuildReport> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inputs = request.Inputs;
        return calls.RunAsync(PortCalls.BuildxBuild,
            Arguments(
                ("buildId", request.BuildId),
                ("builder", inputs.Builder.Length > 0 ? inputs.Builder : request.Builder),
                ("context", inputs.Context),
                ("file", inputs.File),
                ("target", inputs.Target),
                ("tags", string.Join(',', inputs.Tags)),
                ("push", inputs.Push),
                ("load", inputs.Load)),
            () => inner.BuildAsync(request, cancellationToken));
    }
}
