using Blacksmith.Infrastructure.Failpoints;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Tests.LocalStore;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Testing.Fakes;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Failpoints;

/// <summary>The test-only failpoints: off unless asked for, killing at exactly the asked hit, tracing every point.</summary>
public sealed class TestFailpointsTests : IDisposable
{
    private readonly Faker _faker = new() { Random = new Randomizer(12) };
    private readonly string _directory = Directory.CreateTempSubdirectory("blacksmith-failpoints-").FullName;
    private readonly List<KillScope> _kills = [];

    [Fact]
    public void Without_the_variables_no_failpoints_are_made()
    {
        Assert.Null(TestFailpoints.FromEnvironment(_ => null));
        Assert.Null(TestFailpoints.FromEnvironment(name => name == TestFailpoints.KillScopeVariable ? "group" : " "));
    }

    [Fact]
    public void A_malformed_kill_point_fails_the_composition()
    {
        Assert.Throws<FormatException>(() => TestFailpoints.FromEnvironment(name => name == TestFailpoints.KillAtVariable ? "effect:x#0" : null));
    }

    [Theory]
    [InlineData(1, KillScope.Process)]
    [InlineData(3, KillScope.Group)]
    public void The_kill_comes_at_the_asked_hit_of_the_asked_point_only(int hit, KillScope scope)
    {
        var point = $"effect:{_faker.Hacker.Noun()}.{_faker.Hacker.Verb()}";
        var failpoints = new TestFailpoints(new KillPoint(point, hit, scope), trace: null, _kills.Add);

        for (var i = 1; i < hit; i++)
        {
            failpoints.Reached(point);
            failpoints.Reached("recorded:" + point[7..]);
            Assert.Empty(_kills);
        }

        failpoints.Reached(point);
        Assert.Equal([scope], _kills);
        failpoints.Reached(point);
        Assert.Single(_kills);
    }

    [Fact]
    public void The_trace_lists_every_point_reached_in_order_the_kill_point_last()
    {
        var trace = Path.Combine(_directory, "trace");
        var points = Enumerable.Range(0, 6).Select(i => $"transition:{_faker.Hacker.Noun()}{i}").ToList();
        var failpoints = TestFailpoints.FromEnvironment(name => name switch
        {
            TestFailpoints.TraceVariable => trace,
            _ => null,
        })!;

        points.ForEach(failpoints.Reached);

        Assert.Equal(points, File.ReadAllLines(trace));
    }

    [Fact]
    public async Task The_local_store_reports_each_step_of_an_expose_and_a_release_as_a_store_point()
    {
        await using var h = new LocalStoreHarness(LocalStoreMode.Directory);
        var reached = new FakeFailpoints();
        var store = h.Store(h.Options() with { Failpoints = reached });
        var key = _faker.Internet.DomainWord();

        var disk = await store.ExposeAsync(key, TestContext.Current.CancellationToken);
        await store.SettleAsync(new DiskSettlement(disk.ExposeId, key, Commit: false, FsUsageBytes: null), TestContext.Current.CancellationToken);

        Assert.Equal(
            ["store:ExposeRecorded", "store:ExposeCloned", "store:ExposeAttached", "store:ReleaseMarked", "store:ReleaseDetached", "store:ReleaseCloneMoved"],
            reached.Points);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
