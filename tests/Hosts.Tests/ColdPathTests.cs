using Blacksmith.Hosting;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Post;
using Blacksmith.Testing;
using Blacksmith.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosts.Tests;

/// <summary>A step's process builds what the commands it sends need, not the whole engine: each start pays for what it builds.</summary>
public sealed class ColdPathTests
{
    [Fact]
    public async Task Post_with_nothing_to_clean_up_builds_none_of_the_adapters_only_setup_and_builds_use()
    {
        var built = new List<string>();
        T Count<T>(T adapter)
        {
            built.Add(typeof(T).Name);
            return adapter;
        }

        var services = new ServiceCollection()
            .AddSingleton<IJournalStore>(new InMemoryJournalStore())
            .AddSingleton<IStickyDiskStore>(_ => Count(new FakeStickyDiskStore()))
            .AddSingleton<IBlockDevice>(_ => Count(new FakeBlockDevice()))
            .AddSingleton<IBuildkitDaemon>(_ => Count(new FakeBuildkitDaemon()))
            .AddSingleton<IBuilderRegistry>(_ => Count(new FakeBuilderRegistry()))
            .AddSingleton<IEarlierStepsProbe>(new FakeEarlierStepsProbe())
            .AddSingleton<IImageBuilder>(_ => Count(new FakeImageBuilder()))
            .AddBlacksmithEngine();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var outcome = await provider.GetRequiredService<PostSequence>().RunAsync("post-1", TestContext.Current.CancellationToken);

        Assert.Equal(LifecycleState.Done, outcome.Snapshot.State);
        Assert.Equal(SkipReason.NoSetup, Assert.IsType<CommitDecision.Skip>(outcome.Snapshot.Decision).Reason);
        Assert.Empty(built);
    }
}
