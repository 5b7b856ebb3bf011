using Blacksmith.Orchestration.Leases;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Leases;

public sealed class LeasePolicyTests
{
    private static readonly DateTimeOffset Granted = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly Faker _faker = new() { Random = new Randomizer(19) };

    [Fact]
    public void An_exposure_without_a_lease_is_never_released_however_old_and_unused()
    {
        var lease = Lease(expiresAt: null);

        var verdict = LeasePolicy.Judge(lease, Granted.AddYears(1), use: null);

        Assert.Equal(LeaseStanding.Unleased, verdict.Standing);
        Assert.False(verdict.MayRelease);
        Assert.False(LeasePolicy.IsExpired(lease, Granted.AddYears(1)));
    }

    [Fact]
    public void A_lease_that_has_not_run_out_is_held_even_when_nothing_uses_the_device()
    {
        var hours = _faker.Random.Int(6, 48);
        var lease = Lease(Granted.AddHours(hours));

        var verdict = LeasePolicy.Judge(lease, Granted.AddHours(hours).AddTicks(-1), use: null);

        Assert.Equal(LeaseStanding.Held, verdict.Standing);
        Assert.False(verdict.MayRelease);
    }

    [Fact]
    public void A_lease_that_ran_out_on_a_device_in_use_is_kept_and_says_how_it_is_used()
    {
        var lease = Lease(Granted.AddHours(6));

        var verdict = LeasePolicy.Judge(lease, Granted.AddDays(3), use: "mounted at /var/lib/buildkit");

        Assert.Equal(LeaseStanding.ExpiredInUse, verdict.Standing);
        Assert.Equal("mounted at /var/lib/buildkit", verdict.Use);
        Assert.False(verdict.MayRelease);
    }

    [Fact]
    public void A_lease_that_ran_out_on_a_device_nothing_uses_may_be_released_from_the_moment_it_runs_out()
    {
        var lease = Lease(Granted.AddHours(6));

        var verdict = LeasePolicy.Judge(lease, Granted.AddHours(6), use: null);

        Assert.Equal(LeaseStanding.Expired, verdict.Standing);
        Assert.True(verdict.MayRelease);
    }

    private ExposureLease Lease(DateTimeOffset? expiresAt) =>
        new($"local-{_faker.Random.Hexadecimal(16, prefix: "")}", $"{_faker.Internet.UserName()}/{_faker.Lorem.Word()}", "/dev/loop7", Granted, expiresAt);
}
