using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Leases;
using Blacksmith.Steps.Leases;
using Blacksmith.Testing.Fakes;
using Bogus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Steps.Tests.Leases;

public sealed class LeaseSweepTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromHours(6);
    private readonly Faker _faker = new() { Random = new Randomizer(23) };
    private readonly VirtualTime _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeExposureLeases _leases = new();
    private readonly FakeDeviceUsage _usage = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_check_releases_only_expired_unused_exposures_and_looks_at_no_device_whose_lease_still_runs()
    {
        var expired = Add(age: Lease + TimeSpan.FromMinutes(1));
        var inUse = Add(age: Lease * 2);
        var young = Add(age: TimeSpan.FromHours(1));
        var unleased = Add(age: TimeSpan.FromDays(30), leased: false);
        _usage.InUse[inUse.Device] = "open by pid 42 (buildkitd)";

        var reviews = await Sweep().SweepAsync(Ct);

        Assert.Equal([expired.ExposeId], _leases.Released);
        Assert.Equal(LeaseStanding.ExpiredInUse, Review(reviews, inUse).Verdict.Standing);
        Assert.Equal(LeaseStanding.Held, Review(reviews, young).Verdict.Standing);
        Assert.Equal(LeaseStanding.Unleased, Review(reviews, unleased).Verdict.Standing);
        Assert.Equal(new[] { expired.Device, inUse.Device }.Order(StringComparer.Ordinal), _usage.Looked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_release_that_fails_or_finds_the_exposure_settled_does_not_stop_the_check_and_is_not_counted_as_released()
    {
        var failing = Add(age: Lease * 2);
        var settled = Add(age: Lease * 2);
        var expired = Add(age: Lease * 2);
        _leases.Failing[failing.ExposeId] = "the store is locked";
        _leases.SettledMeanwhile.Add(settled.ExposeId);

        var reviews = await Sweep().SweepAsync(Ct);

        Assert.Equal([expired.ExposeId], _leases.Released);
        Assert.Contains("the store is locked", Review(reviews, failing).Problem, StringComparison.Ordinal);
        Assert.False(Review(reviews, settled).Released);
        Assert.True(Review(reviews, expired).Released);
    }

    [Fact]
    public async Task A_review_judges_every_exposure_and_releases_nothing()
    {
        var expired = Add(age: Lease * 2);

        var reviews = await Sweep().ReviewAsync(Ct);

        Assert.True(Assert.Single(reviews).Verdict.MayRelease);
        Assert.Empty(_leases.Released);
        Assert.Contains(expired, _leases.Leases);
    }

    private LeaseSweep Sweep() => new(_leases, _usage, _clock, NullLogger<LeaseSweep>.Instance);

    private static LeaseReview Review(IReadOnlyList<LeaseReview> reviews, ExposureLease lease) => Assert.Single(reviews, r => r.Lease.ExposeId == lease.ExposeId);

    private ExposureLease Add(TimeSpan age, bool leased = true)
    {
        var granted = _clock.GetUtcNow() - age;
        var lease = new ExposureLease(
            $"local-{_faker.Random.Hexadecimal(16, prefix: "")}",
            $"{_faker.Internet.UserName()}/{_faker.Lorem.Word()}",
            $"/dev/loop{_faker.Random.Int(0, 63)}-{_leases.Leases.Count}",
            granted,
            leased ? granted + Lease : null);
        _leases.Leases.Add(lease);
        return lease;
    }
}
