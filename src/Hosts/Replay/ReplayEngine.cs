using System.Collections.Concurrent;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Replay;

/// <summary>
/// The engine a replay runs: the composition root's container over <see cref="ReplayWorldPorts"/>, a
/// <see cref="ReplayClock"/> and a <see cref="ReplayLogSink"/>, built once and lent to one scenario at a time. Building
/// the container, and the mediator's and the container's first resolution of every handler in it, cost about a third
/// of each replay when done per scenario; the engine's objects hold no job's state, so a scenario bound to a kept
/// engine runs exactly as on a fresh one. Replays on several threads at once each borrow an engine of their own.
/// </summary>
internal sealed class ReplayEngine : IDisposable
{
    private static readonly ConcurrentBag<ReplayEngine> Idle = [];

    private readonly ServiceProvider _provider;
    private readonly ReplayWorldPorts _ports = new();
    private readonly ReplayClock _clock = new();
    private readonly ReplayLogSink _log = new();

    private ReplayEngine()
    {
        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<IJournalStore>(_ports)
            .AddSingleton<IStickyDiskStore>(_ports)
            .AddSingleton<IBlockDevice>(_ports)
            .AddSingleton<IBuildkitDaemon>(_ports)
            .AddSingleton<IBuilderRegistry>(_ports)
            .AddSingleton<IEarlierStepsProbe>(_ports)
            .AddSingleton<IControlPlane>(_ports)
            .AddSingleton<IImageBuilder>(_ports)
            .AddLogging(logging => logging.AddProvider(_log))
            .AddBlacksmithEngine()
            .BuildServiceProvider();
    }

    public IServiceProvider Services => _provider;

    /// <summary>Lends an engine bound to one scenario's world, journal, clock and log; disposing the lease gives it back.</summary>
    public static Lease Borrow(ScriptedWorld world, ScriptedJournal journal, VirtualTime clock, ReplayLog log)
    {
        var engine = Idle.TryTake(out var idle) ? idle : new ReplayEngine();
        engine._ports.Bind(world, journal);
        engine._clock.Bind(clock);
        engine._log.Bind(log);
        return new Lease(engine);
    }

    public void Dispose() => _provider.Dispose();

    /// <summary>One scenario's use of an engine.</summary>
    internal sealed class Lease(ReplayEngine engine) : IDisposable
    {
        private ReplayEngine? _engine = engine;

        public IServiceProvider Services => Engine.Services;

        /// <summary>The scenario's builds, whose ends its replay scripts one build at a time.</summary>
        public ScriptedImageBuilder Builds => Engine._ports.Builds;

        private ReplayEngine Engine => _engine ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _engine, null) is { } returned)
            {
                // Unbound, an engine keeps nothing of the scenario: a stray call after the replay fails loudly.
                returned._ports.Unbind();
                returned._clock.Unbind();
                returned._log.Unbind();
                Idle.Add(returned);
            }
        }
    }
}
