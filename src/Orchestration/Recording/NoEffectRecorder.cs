using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Orchestration.Recording;

/// <summary>Records nothing: for work done outside any job (an administrator's cleanup), which has no journal to go in.</summary>
internal sealed class NoEffectRecorder : IEffectRecorder
{
    public ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
