using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Replay;

/// <summary>
/// The recorder of a replayed sweep. A real setup runs the sweep over its adapters themselves, so that only one
/// <c>leftovers.clean</c> record per cleanup reaches the job's journal: the sweep is not this job's lifecycle. This
/// recorder passes exactly those on to the journal, and keeps every record (the calls too) for the replay's report.
/// </summary>
internal sealed class SweepLog(IEffectRecorder journal, ScriptedWorld world, TimeProvider time) : IEffectRecorder
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    /// <summary>How many records were kept so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The records kept from position <paramref name="first"/> on.</summary>
    public IReadOnlyList<Entry> Since(int first)
    {
        lock (_gate)
        {
            return [.. _entries.Skip(first)];
        }
    }

    public async ValueTask RecordAsync(EffectRecord effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        if (effect.Port == LeftoverSweep.Port)
        {
            await journal.RecordAsync(effect, cancellationToken);
        }
        else
        {
            // A stopped host records nothing more, here as in its journal.
            world.EnsureHostRuns();
        }

        lock (_gate)
        {
            _entries.Add(new Entry(effect, time.GetUtcNow(), EffectScope.Current ?? EffectScope.Unscoped));
        }
    }

    /// <summary>One record, when and for which session it was made.</summary>
    internal readonly record struct Entry(EffectRecord Effect, DateTimeOffset At, string Session)
    {
        public string Call => $"{Effect.Port}.{Effect.Method}";

        /// <summary>A <c>leftovers.clean</c> record: the end of one claim's cleanup.</summary>
        public bool EndsACleanup => Effect.Port == LeftoverSweep.Port;
    }
}
