using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Testing.Fakes;

/// <summary>Keeps recorded effects in a list, with the session that was current for each.</summary>
public sealed class ListEffectRecorder : IEffectRecorder
{
    private readonly Lock _gate = new();
    private readonly List<(string? Session, EffectRecord Effect)> _effects = [];

    public IReadOnlyList<(string? Session, EffectRecord Effect)> Effects
    {
        get
        {
            lock (_gate)
            {
                return [.. _effects];
            }
        }
    }

    public ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _effects.Add((EffectScope.Current, effect));
        }

        return ValueTask.CompletedTask;
    }
}
