using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing.Fakes;
using Bogus;

namespace Blacksmith.Steps.Tests;

public sealed class SetupHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ExternalErrorKind.Unavailable)]
    [InlineData(ExternalErrorKind.Timeout)]
    [InlineData(ExternalErrorKind.Failed)]
    public async Task Expose_failure_becomes_SetupFailed_naming_the_step(ExternalErrorKind kind)
    {
        var message = new Faker().Lorem.Sentence();
        var store = new FakeStickyDiskStore { ExposeFailure = new ExternalCallException("stickydisk.expose", kind, message) };
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")));

        var result = await new ExposeStickyDiskHandler(store, Lifecycles.Context(snapshot)).Handle(new ExposeStickyDisk(Lifecycles.Owner), Ct);

        var failed = Assert.IsType<SetupFailed>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal("expose", failed.Step);
        Assert.Contains(message, failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "/dev/vdb")]
    [InlineData("expose-1", "")]
    public async Task Agent_reply_without_a_device_or_expose_id_is_a_clear_setup_failure(string exposeId, string device)
    {
        var store = new FakeStickyDiskStore { Respond = _ => new ExposedDisk(exposeId, device) };
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")));

        var result = await new ExposeStickyDiskHandler(store, Lifecycles.Context(snapshot)).Handle(new ExposeStickyDisk(Lifecycles.Owner), Ct);

        var failed = Assert.IsType<SetupFailed>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Contains("without an expose id or device", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mount_reports_whether_the_device_was_formatted()
    {
        var device = new FakeBlockDevice { Formatted = true };
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")), new DiskExposed("e", "/dev/vdb"));

        var result = await new MountStickyDiskHandler(device, Lifecycles.Context(snapshot)).Handle(new MountStickyDisk(Lifecycles.Owner, "/var/lib/buildkit"), Ct);

        var mounted = Assert.IsType<DiskMounted>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.True(mounted.Formatted);
        Assert.Contains("/var/lib/buildkit", device.Mounted);
    }
}
