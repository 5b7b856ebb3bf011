using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Logging;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Orchestration.Recording;

/// <summary>Appends each effect to the job's journal under the session of the current <see cref="EffectScope"/>.</summary>
internal sealed class JournalEffectRecorder(LifecycleJournal journal, ILogger<JournalEffectRecorder> logger) : IEffectRecorder
{
    public async ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        try
        {
            await journal.RecordEffectAsync(EffectScope.Current ?? EffectScope.Unscoped, effect, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The effect already happened; failing it now would only hide its outcome. The lifecycle's own appends
            // hit the same journal and fail loudly if it is really broken.
            logger.EffectNotRecorded(effect.Port, effect.Method, ex.Message);
        }
    }
}
