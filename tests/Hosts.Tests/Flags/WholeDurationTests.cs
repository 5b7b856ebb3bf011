using Blacksmith.Hosts.Flags;
using Bogus;

namespace Blacksmith.Hosts.Tests.Flags;

/// <summary>
/// The duration both executables' flags take (blacksmith's copy; blacksmith-agent compiles the same file): a whole,
/// positive number with s, m, h or d, and a number too long for a TimeSpan refused as such rather than overflowing.
/// </summary>
public sealed class WholeDurationTests
{
    private static readonly (char Unit, TimeSpan One)[] Units =
        [('s', TimeSpan.FromSeconds(1)), ('m', TimeSpan.FromMinutes(1)), ('h', TimeSpan.FromHours(1)), ('d', TimeSpan.FromDays(1))];

    [Fact]
    public void A_whole_number_with_a_unit_in_either_case_and_spaces_around_is_that_many_units()
    {
        var faker = new Faker { Random = new Randomizer(1717) };
        for (var i = 0; i < 200; i++)
        {
            var (unit, one) = faker.PickRandom(Units);
            var count = faker.Random.Long(1, WholeDuration.MaxDays);
            var text = $"{new string(' ', faker.Random.Int(0, 2))}{count}{(faker.Random.Bool() ? char.ToUpperInvariant(unit) : unit)} ";

            Assert.True(WholeDuration.TryParse(text, out var duration, out var tooLong), text);
            Assert.False(tooLong);
            Assert.Equal(TimeSpan.FromTicks(count * one.Ticks), duration);
        }
    }

    [Theory]
    [InlineData("6 hours")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("0d")]
    [InlineData("1.5h")]
    [InlineData("90")]
    [InlineData("m")]
    [InlineData("5w")]
    [InlineData("")]
    public void Anything_else_is_not_a_duration_and_not_too_long(string text)
    {
        Assert.False(WholeDuration.TryParse(text, out var duration, out var tooLong));
        Assert.False(tooLong);
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData("10675200d")]
    [InlineData("256204778802h")]
    [InlineData("9223372036854775807s")]
    [InlineData("99999999999999999999999d")]
    public void A_number_longer_than_a_timespan_holds_is_too_long(string text)
    {
        Assert.False(WholeDuration.TryParse(text, out _, out var tooLong));
        Assert.True(tooLong);
    }

    [Fact]
    public void The_longest_duration_taken_is_the_last_whole_day_a_timespan_holds()
    {
        Assert.True(WholeDuration.TryParse($"{WholeDuration.MaxDays}d", out var longest, out _));
        Assert.True(TimeSpan.MaxValue - longest < TimeSpan.FromDays(1));
    }
}
