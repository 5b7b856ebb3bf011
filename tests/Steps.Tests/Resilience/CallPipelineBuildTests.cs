using System.ComponentModel;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Steps.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Blacksmith.Steps.Tests.Resilience;

/// <summary>
/// What building a call's pipelines costs a step: Polly's default check of a builder and its strategies' options goes
/// through DataAnnotations, which describes each object through <see cref="TypeDescriptor"/> (reflection), on every
/// step's first call of each shape.
/// </summary>
public sealed class CallPipelineBuildTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_step_builds_its_call_pipelines_without_describing_their_options_by_reflection()
    {
        var counters = new[] { typeof(ResiliencePipelineBuilder), typeof(TimeoutStrategyOptions), typeof(RetryStrategyOptions) }
            .Select(type => (Type: type, Provider: new CountingProvider(TypeDescriptor.GetProvider(type))))
            .ToList();
        foreach (var (type, provider) in counters)
        {
            TypeDescriptor.AddProvider(provider, type);
        }

        try
        {
            // A clock of its own: pipelines are built once per clock and shape, so these are built here.
            var time = new VirtualTime(DateTimeOffset.UnixEpoch);
            Assert.True(await time.RunAsync(() => Bounded.RunAsync("stickydisk.up", _ => Task.FromResult(true), TimeSpan.FromSeconds(5), time, Token)));
            Assert.True(await time.RunAsync(() => TransientRetry.RunAsync("stickydisk.expose", _ => Task.FromResult(true), TimeSpan.FromSeconds(5), time, Token)));
            Assert.True(await time.RunAsync(() => CallPipeline.PollAsync(_ => Task.FromResult(true), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), time, Token)));
        }
        finally
        {
            foreach (var (type, provider) in counters)
            {
                TypeDescriptor.RemoveProvider(provider, type);
            }
        }

        Assert.All(counters, counter => Assert.True(counter.Provider.Described == 0, $"{counter.Type.Name} was described {counter.Provider.Described} time(s)"));
    }

    [Fact]
    public void Every_shape_of_pipeline_a_call_or_a_poll_builds_passes_Pollys_own_check_of_its_options()
    {
        // The step's builders skip Polly's check, so this is where the options are checked: with Polly's default builder.
        var pipelines = new CallPipeline.Pipelines(TimeProvider.System, time => new ResiliencePipelineBuilder { TimeProvider = time });

        foreach (var deadline in (bool[])[false, true])
        {
            foreach (var retry in (bool[])[false, true])
            {
                foreach (var attemptDeadline in (bool[])[false, true])
                {
                    Assert.NotNull(pipelines.Call(deadline, retry, attemptDeadline));
                }
            }
        }

        Assert.NotNull(pipelines.Poll);
    }

    private sealed class CountingProvider(TypeDescriptionProvider parent) : TypeDescriptionProvider(parent)
    {
        private int _described;

        public int Described => Volatile.Read(ref _described);

        public override ICustomTypeDescriptor? GetTypeDescriptor(Type objectType, object? instance)
        {
            Interlocked.Increment(ref _described);
            return base.GetTypeDescriptor(objectType, instance);
        }
    }
}
