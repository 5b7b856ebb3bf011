using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Blacksmith.Hosting;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Pipeline;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosts.Tests;

/// <summary>
/// Each command runs through the behaviours the engine lists, in their order, without the container making the
/// enumeration (its array costs Native AOT reflection on a step's start); a behaviour a caller registered still runs.
/// </summary>
public sealed class CommandPipelineTests
{
    [Fact]
    public void Each_commands_pipeline_is_the_engines_behaviours_in_their_order_made_afresh_for_each_send()
    {
        using var provider = Engine(new ServiceCollection()).BuildServiceProvider();
        var mediator = provider.GetRequiredService<Hosting.Mediator.Mediator>();

        var first = mediator.Services.GetServices<IPipelineBehavior<BeginPost, LifecycleResult>>();
        var second = mediator.Services.GetServices<IPipelineBehavior<BeginPost, LifecycleResult>>();

        Assert.IsType<IPipelineBehavior<BeginPost, LifecycleResult>[]>(first);
        Assert.Equal(
            [typeof(CommandLoggingBehavior<BeginPost, LifecycleResult>), typeof(ClaimProjectionBehavior<BeginPost, LifecycleResult>), typeof(LifecycleTransactionBehavior<BeginPost, LifecycleResult>)],
            first.Select(b => b.GetType()));
        Assert.Equal(provider.GetServices<IPipelineBehavior<BeginPost, LifecycleResult>>().Select(b => b.GetType()), first.Select(b => b.GetType()));
        Assert.DoesNotContain(first, second.Contains);
    }

    [Fact]
    public async Task A_command_sent_through_the_engine_has_the_container_make_no_enumeration()
    {
        using var callSites = new CallSiteListener();
        await using var provider = Engine(new ServiceCollection()).BuildServiceProvider();

        var outcome = await provider.GetRequiredService<PostSequence>().RunAsync("post-1", TestContext.Current.CancellationToken);

        Assert.Equal(LifecycleState.Done, outcome.Snapshot.State);
        var built = callSites.BuiltBy(provider);
        Assert.Contains(built, type => type.Contains(nameof(PostSequence), StringComparison.Ordinal));
        Assert.DoesNotContain(built, type => type.StartsWith("System.Collections.Generic.IEnumerable`1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_behaviour_a_caller_registered_for_a_command_runs_in_its_pipeline()
    {
        var seen = new ConcurrentQueue<string>();
        var services = new ServiceCollection().AddTransient<IPipelineBehavior<BeginPost, LifecycleResult>>(_ => new Noting(seen));
        await using var provider = Engine(services).BuildServiceProvider();

        var outcome = await provider.GetRequiredService<PostSequence>().RunAsync("post-1", TestContext.Current.CancellationToken);

        Assert.Equal(LifecycleState.Done, outcome.Snapshot.State);
        Assert.Equal([nameof(BeginPost)], seen);
    }

    private static IServiceCollection Engine(IServiceCollection services) => services
        .AddSingleton<IJournalStore>(new InMemoryJournalStore())
        .AddSingleton<IStickyDiskStore>(new FakeStickyDiskStore())
        .AddSingleton<IBlockDevice>(new FakeBlockDevice())
        .AddSingleton<IBuildkitDaemon>(new FakeBuildkitDaemon())
        .AddSingleton<IBuilderRegistry>(new FakeBuilderRegistry())
        .AddSingleton<IEarlierStepsProbe>(new FakeEarlierStepsProbe())
        .AddSingleton<IImageBuilder>(new FakeImageBuilder())
        .AddBlacksmithEngine();

    /// <summary>A caller's behaviour: notes each command it sees.</summary>
    private sealed class Noting(ConcurrentQueue<string> seen) : IPipelineBehavior<BeginPost, LifecycleResult>
    {
        public ValueTask<LifecycleResult> Handle(BeginPost message, MessageHandlerDelegate<BeginPost, LifecycleResult> next, CancellationToken cancellationToken)
        {
            seen.Enqueue(nameof(BeginPost));
            return next(message, cancellationToken);
        }
    }

    /// <summary>The service types each container builds a call site for, from Microsoft's dependency injection events.</summary>
    private sealed class CallSiteListener : EventListener
    {
        private readonly ConcurrentQueue<(string Type, int Provider)> _built = new();

        public IReadOnlyList<string> BuiltBy(IServiceProvider provider) =>
            [.. _built.Where(b => b.Provider == provider.GetHashCode()).Select(b => b.Type)];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Extensions-DependencyInjection")
            {
                EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData is { EventName: "CallSiteBuilt", Payload: { } payload, PayloadNames: { } names })
            {
                _built.Enqueue(((string)payload[names.IndexOf("serviceType")]!, (int)payload[names.IndexOf("serviceProviderHashCode")]!));
            }
        }
    }
}
