using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Bogus;

namespace Blacksmith.Testing;

/// <summary>Events of any trigger with varied, Bogus-generated facts (optional facts sometimes left out).</summary>
public static class LifecycleEventFaker
{
    public static LifecycleEvent Generate(LifecycleTrigger trigger, Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return trigger switch
        {
            LifecycleTrigger.SetupStarted => new SetupStarted(SetupFacts(f)),
            LifecycleTrigger.BuilderAttached => new BuilderAttached(SetupFacts(f), f.Internet.DomainWord(), $"tcp://{f.Internet.Ip()}:{f.Internet.Port()}", f.Lorem.Sentence()),
            LifecycleTrigger.SessionAttached => new SessionAttached(CacheKey(f)),
            LifecycleTrigger.DiskExposed => new DiskExposed(f.Random.Guid().ToString(), $"/dev/{f.Random.String2(3, "abcdefghijklmnopqrstuvwxyz")}"),
            LifecycleTrigger.DiskMounted => new DiskMounted(f.System.DirectoryPath(), f.Random.Bool()),
            LifecycleTrigger.DaemonSpawned => new DaemonSpawned(new DaemonIdentity(
                f.Random.Int(2, 4_194_304),
                f.Random.Long(1, long.MaxValue / 2),
                $"tcp://127.0.0.1:{f.Internet.Port()}",
                f.Random.Bool() ? f.System.FilePath() : null,
                f.Random.Bool() ? f.System.DirectoryPath() : null)),
            LifecycleTrigger.DaemonReady => new DaemonReady(f.Random.Long(0, 120_000)),
            LifecycleTrigger.DaemonExited => new DaemonExited(f.Lorem.Sentence(), f.Random.Bool() ? f.System.FilePath() : null),
            LifecycleTrigger.BuilderRegistered => new BuilderRegistered(f.Internet.DomainWord()),
            LifecycleTrigger.SetupFailed => new SetupFailed(f.PickRandom("expose", "mount", "spawn", "ready", "register"), f.Lorem.Sentence()),
            LifecycleTrigger.FallbackActivated => new FallbackActivated(f.Internet.DomainWord(), f.Lorem.Sentence()),
            LifecycleTrigger.BuildStarted => new BuildStarted(f.Random.AlphaNumeric(12), f.Commerce.ProductName()),
            LifecycleTrigger.BuildFinished => new BuildFinished(f.Random.AlphaNumeric(12), f.PickRandom<BuildOutcome>(), f.Random.Bool() ? f.Lorem.Sentence() : null),
            LifecycleTrigger.PostRequested => new PostRequested(),
            LifecycleTrigger.DaemonStopped => new DaemonStopped(f.PickRandom<DaemonStopOutcome>(), f.Random.Bool() ? f.Lorem.Sentence() : null),
            LifecycleTrigger.DiskUnmounted => new DiskUnmounted(f.Random.Bool(), f.Random.Bool() ? f.Random.Long(0, 1L << 40) : null, f.Random.Bool() ? f.Lorem.Sentence() : null),
            LifecycleTrigger.EarlierStepsChecked => new EarlierStepsChecked(f.PickRandom<EarlierStepsResult>(), f.PickRandom("job-status input", "runner log"), f.Random.Bool() ? f.Lorem.Sentence() : null),
            LifecycleTrigger.DiskReleased => new DiskReleased(f.Random.Bool(), f.Random.Bool() ? f.Lorem.Sentence() : null),
            LifecycleTrigger.Drained => new Drained(),
            LifecycleTrigger.CommitRequested => new CommitRequested(f.Random.Bool() ? f.Random.Long(0, 1L << 40) : null),
            LifecycleTrigger.CommitFailed => new CommitFailed(f.Lorem.Sentence()),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "no generator for this trigger: add one"),
        };
    }

    public static SetupFacts SetupFacts(Faker f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(
            CacheKey(f),
            f.PickRandom("agent", "local"),
            f.PickRandom<CommitMode>(),
            f.Random.Bool(),
            f.Random.Bool(),
            f.Random.Bool() ? f.Random.Long(1, 1_000_000) : null,
            // Journals from before the root and address were recorded have neither.
            f.Random.Bool() ? f.System.DirectoryPath() : null,
            f.Random.Bool() ? $"unix://{f.System.DirectoryPath()}/buildkitd.sock" : null);
    }

    private static string CacheKey(Faker f) => $"{f.Internet.DomainWord()}-{f.Random.Hexadecimal(8, prefix: string.Empty)}";
}
