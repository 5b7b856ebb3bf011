using Blacksmith.Orchestration.Journal;

namespace Blacksmith.Orchestration.Recording;

/// <summary>Keeps a record of every attempt of every external action, so that a job's journal determines its decisions.</summary>
internal interface IEffectRecorder
{
    /// <summary>Records one attempt. Never throws for a recording that could not be kept: an effect does not fail for it.</summary>
    ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken);
}
