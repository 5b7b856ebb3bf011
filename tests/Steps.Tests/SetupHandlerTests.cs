using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Steps.Setup;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Steps.Tests;

public sealed class SetupHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly Faker _faker = new() { Random = new Randomizer(112) };

    [Fact]
    public async Task Expose_retries_an_unavailable_agent_then_exposes_the_disk()
    {
        var store = new FakeStickyDiskStore();
        store.UpFailures.Enqueue(Unavailable("stickydisk.up"));
        store.UpFailures.Enqueue(Unavailable("stickydisk.up"));
        store.ExposeFailures.Enqueue(Unavailable("stickydisk.expose"));

        var exposed = Assert.IsType<DiskExposed>(await ExposeAsync(store));

        Assert.Equal(3, store.UpCalls);
        Assert.Equal(2, store.ExposeCalls);
        Assert.StartsWith("/dev/fake", exposed.Device, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExternalErrorKind.Timeout)]
    [InlineData(ExternalErrorKind.Failed)]
    [InlineData(ExternalErrorKind.BadReply)]
    [InlineData(ExternalErrorKind.Interrupted)]
    public async Task Expose_never_retries_a_failure_that_is_not_transient(ExternalErrorKind kind)
    {
        var message = _faker.Lorem.Sentence();
        var store = new FakeStickyDiskStore { ExposeFailure = new ExternalCallException("stickydisk.expose", kind, message) };

        var failed = Assert.IsType<SetupFailed>(await ExposeAsync(store));

        Assert.Equal(1, store.ExposeCalls);
        Assert.Equal("expose", failed.Step);
        Assert.Contains(message, failed.Message, StringComparison.Ordinal);
        Assert.Contains("half-exposed disk", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_is_sent_again_after_an_interrupted_call_because_it_is_idempotent()
    {
        var store = new FakeStickyDiskStore();
        store.UpFailures.Enqueue(new ExternalCallException("stickydisk.up", ExternalErrorKind.Interrupted, "the connection broke after the call was sent"));

        Assert.IsType<DiskExposed>(await ExposeAsync(store));

        Assert.Equal(2, store.UpCalls);
        Assert.Equal(1, store.ExposeCalls);
    }

    [Fact]
    public async Task An_agent_that_never_came_up_was_asked_to_expose_nothing()
    {
        var store = new FakeStickyDiskStore();
        store.UpFailures.Enqueue(new ExternalCallException("stickydisk.up", ExternalErrorKind.Failed, "the agent failed the call with Internal"));

        var failed = Assert.IsType<SetupFailed>(await ExposeAsync(store));

        Assert.Equal(0, store.ExposeCalls);
        Assert.DoesNotContain("half-exposed", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expose_gives_up_on_an_agent_unavailable_for_the_whole_deadline()
    {
        var store = new FakeStickyDiskStore();
        for (var i = 0; i < 1000; i++)
        {
            store.UpFailures.Enqueue(Unavailable("stickydisk.up"));
        }

        var failed = Assert.IsType<SetupFailed>(await ExposeAsync(store));

        Assert.InRange(store.UpCalls, 5, 40);
        Assert.Equal(0, store.ExposeCalls);
        Assert.Contains("unavailable", failed.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Agent_reply_without_an_expose_id_fails_saying_the_host_may_hold_a_half_exposed_disk()
    {
        var store = new FakeStickyDiskStore { Respond = _ => new ExposedDisk("", "/dev/vdb") };

        var failed = Assert.IsType<SetupFailed>(await ExposeAsync(store));

        Assert.Contains("without an expose id", failed.Message, StringComparison.Ordinal);
        Assert.Contains("half-exposed disk", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_reply_without_a_device_records_the_expose_id_before_failing_so_post_can_release_it()
    {
        var store = new FakeStickyDiskStore { Respond = _ => new ExposedDisk("expose-1", "") };

        var events = await ExposeEventsAsync(store);

        Assert.Collection(
            events,
            e => Assert.Equal("expose-1", Assert.IsType<DiskExposed>(e).ExposeId),
            e => Assert.Contains("without a device", Assert.IsType<SetupFailed>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blank_device_is_formatted_then_mounted()
    {
        var device = new FakeBlockDevice { Filesystem = null };

        var mounted = Assert.IsType<DiskMounted>(await MountAsync(device));

        Assert.True(mounted.Formatted);
        Assert.Equal(["size", "detect", "format", "mount"], device.Calls);
    }

    [Fact]
    public async Task Existing_ext4_is_grown_and_a_failed_grow_is_only_a_warning()
    {
        var device = new FakeBlockDevice { GrowFailure = new ExternalCallException("device.grow", ExternalErrorKind.Failed, "resize2fs: bad superblock") };

        var mounted = Assert.IsType<DiskMounted>(await MountAsync(device));

        Assert.False(mounted.Formatted);
        Assert.Equal(["size", "detect", "grow", "mount"], device.Calls);
    }

    [Theory]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    [InlineData("dos partition table")]
    public async Task Device_with_another_filesystem_is_reformatted_with_a_warning_naming_what_was_found(string found)
    {
        // The store hands this key's own device to this job only, so what is on it is a cache that cannot be used:
        // left alone, every later job of the key would fall back too.
        var device = new FakeBlockDevice { Filesystem = found };
        var log = new FakeLogger<MountStickyDiskHandler>();

        var mounted = Assert.IsType<DiskMounted>(await MountAsync(device, log: log));

        Assert.True(mounted.Formatted);
        Assert.Equal(["size", "detect", "format", "mount"], device.Calls);
        var warning = Assert.Single(log.Warnings);
        Assert.Contains($"/dev/vdb holds {found}, not ext4", warning, StringComparison.Ordinal);
        Assert.Contains("reformatted", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_with_another_filesystem_that_is_in_use_is_not_formatted_and_setup_fails()
    {
        var device = new FakeBlockDevice
        {
            Filesystem = "xfs",
            FormatFailure = new ExternalCallException("device.format", ExternalErrorKind.Failed, "/dev/vdb is mounted at /mnt/other; it was not formatted"),
        };

        var failed = Assert.IsType<SetupFailed>(await MountAsync(device));

        Assert.Contains("mounted at /mnt/other", failed.Message, StringComparison.Ordinal);
        Assert.False(device.Formatted);
        Assert.Empty(device.Mounted);
    }

    [Fact]
    public async Task Ext4_that_fails_to_mount_as_corrupt_is_reformatted_and_mounted_with_a_warning()
    {
        var device = new FakeBlockDevice();
        device.MountFailures.Enqueue(new ExternalCallException("device.mount", ExternalErrorKind.Corrupt, "could not mount /dev/vdb: Structure needs cleaning"));
        var log = new FakeLogger<MountStickyDiskHandler>();

        var mounted = Assert.IsType<DiskMounted>(await MountAsync(device, log: log));

        Assert.True(mounted.Formatted);
        Assert.Equal(["size", "detect", "grow", "mount", "format", "mount"], device.Calls);
        var warning = Assert.Single(log.Warnings);
        Assert.Contains("Structure needs cleaning", warning, StringComparison.Ordinal);
        Assert.Contains("reformatted", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExternalErrorKind.Failed, "already mounted or mount point busy")]
    [InlineData(ExternalErrorKind.Failed, "must be superuser to use mount")]
    [InlineData(ExternalErrorKind.Timeout, "did not finish within 60 s")]
    public async Task Ext4_that_fails_to_mount_for_any_other_reason_is_never_formatted(ExternalErrorKind kind, string why)
    {
        var device = new FakeBlockDevice { MountFailure = new ExternalCallException("device.mount", kind, why) };

        var failed = Assert.IsType<SetupFailed>(await MountAsync(device));

        Assert.Contains(why, failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("format", device.Calls);
    }

    [Fact]
    public async Task A_freshly_formatted_device_that_fails_to_mount_as_corrupt_is_not_formatted_again()
    {
        var device = new FakeBlockDevice { Filesystem = null };
        var corrupt = new ExternalCallException("device.mount", ExternalErrorKind.Corrupt, "bad superblock on /dev/vdb");
        device.MountFailures.Enqueue(corrupt);
        device.MountFailures.Enqueue(corrupt);

        var failed = Assert.IsType<SetupFailed>(await MountAsync(device));

        Assert.Contains("bad superblock", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, device.Calls.Count(c => c == "format"));
    }

    [Fact]
    public async Task Device_that_reports_zero_bytes_is_never_formatted()
    {
        var device = new FakeBlockDevice();
        device.Sizes.Clear();
        device.Sizes.Enqueue(0);

        var failed = Assert.IsType<SetupFailed>(await MountAsync(device));

        Assert.Contains("zero bytes", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("format", device.Calls);
        Assert.InRange(device.Calls.Count(c => c == "size"), 90, 101);
    }

    [Fact]
    public async Task Device_that_reports_its_size_late_is_mounted()
    {
        var device = new FakeBlockDevice { Filesystem = null };
        device.Sizes.Clear();
        foreach (var size in new long[] { 0, 0, 0, 1 << 30 })
        {
            device.Sizes.Enqueue(size);
        }

        Assert.IsType<DiskMounted>(await MountAsync(device));
        Assert.Equal(4, device.Calls.Count(c => c == "size"));
    }

    [Fact]
    public async Task Daemon_dead_on_a_corrupt_database_has_it_moved_aside_once()
    {
        var daemon = new FakeBuildkitDaemon { CorruptDatabase = "/var/lib/buildkit/history.db" };
        var starting = await Lifecycles.StartingAsync();
        await daemon.SpawnAsync(new DaemonLaunch("tcp://127.0.0.1:1234", "/var/lib/buildkit", "/tmp/job"), Ct);

        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var first = await time.RunAsync(() => new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(starting), time)
            .Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct));
        var exited = Assert.IsType<DaemonExited>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(first).Events));
        Assert.Equal("/var/lib/buildkit/history.db.corrupt", exited.QuarantinedDatabase);

        var healedOnce = starting with { Daemon = starting.Daemon, DaemonRestarts = 1 };
        var second = await time.RunAsync(() => new AwaitDaemonReadyHandler(daemon, Lifecycles.Context(healedOnce), time)
            .Handle(new AwaitDaemonReady(Lifecycles.Owner, TimeSpan.FromSeconds(120)), Ct));

        Assert.IsType<SetupFailed>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(second).Events));
        Assert.Single(daemon.Quarantined);
    }

    [Fact]
    public async Task Mount_never_covers_a_root_a_foreign_daemon_holds()
    {
        var device = new FakeBlockDevice { Filesystem = null };
        var daemons = new FakeBuildkitDaemon
        {
            Foreign = new ForeignDaemon("the BuildKit root /var/lib/buildkit (its lock /var/lib/buildkit/buildkitd.lock)", 4711, "buildkitd"),
        };

        var failed = Assert.IsType<SetupFailed>(await MountAsync(device, daemons));

        Assert.Equal("mount", failed.Step);
        Assert.Contains("/var/lib/buildkit/buildkitd.lock", failed.Message, StringComparison.Ordinal);
        Assert.Contains("pid 4711 (buildkitd)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("left alone", failed.Message, StringComparison.Ordinal);
        Assert.Equal([("/var/lib/buildkit", (string?)null)], daemons.ForeignChecks);
        Assert.Empty(device.Calls);
    }

    [Fact]
    public async Task Spawn_starts_no_daemon_beside_a_foreign_one_on_the_address()
    {
        var daemon = new FakeBuildkitDaemon { Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234 (something accepts connections there)") };
        var launch = new DaemonLaunch("tcp://127.0.0.1:1234", "/var/lib/buildkit", "/tmp/job");

        var result = await new SpawnDaemonHandler(daemon).Handle(new SpawnDaemon(Lifecycles.Owner, launch), Ct);

        var failed = Assert.IsType<SetupFailed>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal("start", failed.Step);
        Assert.Contains("tcp://127.0.0.1:1234", failed.Message, StringComparison.Ordinal);
        Assert.Contains("which this job did not start", failed.Message, StringComparison.Ordinal);
        Assert.Equal([("/var/lib/buildkit", (string?)"tcp://127.0.0.1:1234")], daemon.ForeignChecks);
        Assert.Equal(0, daemon.Spawns);
        Assert.Empty(daemon.Signals);
    }

    [Fact]
    public async Task A_buildkitd_answering_at_the_job_address_is_attached_as_it_is()
    {
        var daemons = new FakeBuildkitDaemon
        {
            Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234 (something accepts connections there)", Address: "tcp://127.0.0.1:1234"),
        };
        var builders = new FakeBuilderRegistry();

        var result = await new AttachForeignBuilderHandler(daemons, builders).Handle(ForeignAttach(), Ct);

        var attached = Assert.IsType<BuilderAttached>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(("blacksmith-builder", "tcp://127.0.0.1:1234"), (attached.BuilderName, attached.Address));
        Assert.Contains("which this job did not start", attached.Reason, StringComparison.Ordinal);
        Assert.Equal(["tcp://127.0.0.1:1234"], builders.Registered);
        Assert.Equal(0, daemons.Spawns);
        Assert.Empty(daemons.Signals);
    }

    [Fact]
    public async Task A_daemon_that_holds_the_root_but_not_the_address_is_not_attached()
    {
        var daemons = new FakeBuildkitDaemon
        {
            Foreign = new ForeignDaemon("the BuildKit root /var/lib/buildkit (its lock /var/lib/buildkit/buildkitd.lock)", 4711, "buildkitd"),
        };
        var builders = new FakeBuilderRegistry();

        var result = await new AttachForeignBuilderHandler(daemons, builders).Handle(ForeignAttach(), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(builders.Registered);
    }

    [Fact]
    public async Task A_listener_buildx_cannot_use_as_a_builder_is_not_attached()
    {
        var daemons = new FakeBuildkitDaemon { Foreign = new ForeignDaemon("the address tcp://127.0.0.1:1234", Address: "tcp://127.0.0.1:1234") };
        var builders = new FakeBuilderRegistry
        {
            RegisterFailure = new ExternalCallException("buildx.create", ExternalErrorKind.Failed, "not a BuildKit daemon"),
        };

        var result = await new AttachForeignBuilderHandler(daemons, builders).Handle(ForeignAttach(), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
    }

    [Fact]
    public async Task Nothing_is_attached_when_no_foreign_daemon_runs()
    {
        var daemons = new FakeBuildkitDaemon();
        var builders = new FakeBuilderRegistry();

        var result = await new AttachForeignBuilderHandler(daemons, builders).Handle(ForeignAttach(), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Equal([("/var/lib/buildkit", (string?)"tcp://127.0.0.1:1234")], daemons.ForeignChecks);
        Assert.Empty(builders.Registered);
    }

    [Fact]
    public async Task A_foreign_check_that_fails_attaches_nothing_and_lets_setup_go_on()
    {
        var daemons = new FakeBuildkitDaemon { ForeignFailure = new ExternalCallException("buildkitd.findForeign", ExternalErrorKind.Failed, "/proc/locks: permission denied") };
        var builders = new FakeBuilderRegistry();

        var result = await new AttachForeignBuilderHandler(daemons, builders).Handle(ForeignAttach(), Ct);

        Assert.Empty(Assert.IsType<LifecycleResult.Proposed>(result).Events);
        Assert.Empty(builders.Registered);
    }

    private static AttachForeignBuilder ForeignAttach() =>
        new(Lifecycles.Owner, new SetupFacts("acme/web", "agent"), "/var/lib/buildkit", "tcp://127.0.0.1:1234");

    [Fact]
    public async Task Spawn_starts_the_daemon_when_root_and_address_are_free()
    {
        var daemon = new FakeBuildkitDaemon();
        var launch = new DaemonLaunch("tcp://127.0.0.1:1234", "/var/lib/buildkit", "/tmp/job");

        var result = await new SpawnDaemonHandler(daemon).Handle(new SpawnDaemon(Lifecycles.Owner, launch), Ct);

        Assert.IsType<DaemonSpawned>(Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events));
        Assert.Equal(1, daemon.Spawns);
    }

    private static ExternalCallException Unavailable(string operation) => new(operation, ExternalErrorKind.Unavailable, "connection refused (unavailable)");

    private static async Task<LifecycleEvent> ExposeAsync(FakeStickyDiskStore store) => Assert.Single(await ExposeEventsAsync(store));

    private static async Task<IReadOnlyList<LifecycleEvent>> ExposeEventsAsync(FakeStickyDiskStore store)
    {
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")));
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var result = await time.RunAsync(() => new ExposeStickyDiskHandler(store, Lifecycles.Context(snapshot), time).Handle(new ExposeStickyDisk(Lifecycles.Owner), Ct));
        return Assert.IsType<LifecycleResult.Proposed>(result).Events;
    }

    private static async Task<LifecycleEvent> MountAsync(FakeBlockDevice device, FakeBuildkitDaemon? daemons = null, ILogger<MountStickyDiskHandler>? log = null)
    {
        var snapshot = await Lifecycles.AfterAsync(new SetupStarted(new SetupFacts("key", "fake")), new DiskExposed("e", "/dev/vdb"));
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var handler = new MountStickyDiskHandler(
            device, daemons ?? new FakeBuildkitDaemon(), Lifecycles.Context(snapshot), time, log ?? NullLogger<MountStickyDiskHandler>.Instance);
        var result = await time.RunAsync(() => handler.Handle(new MountStickyDisk(Lifecycles.Owner, "/var/lib/buildkit"), Ct));
        return Assert.Single(Assert.IsType<LifecycleResult.Proposed>(result).Events);
    }
}
