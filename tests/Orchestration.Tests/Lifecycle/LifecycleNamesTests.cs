using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>
/// The lifecycle's names by table, kept the enums' own: the journal's transition records and the status text write them,
/// and journals written by <see cref="Enum.ToString()"/> must read back.
/// </summary>
public sealed class LifecycleNamesTests
{
    [Fact]
    public void Each_state_and_trigger_is_named_as_the_enum_names_it()
    {
        Assert.All(Enum.GetValues<LifecycleState>(), state => Assert.Equal(state.ToString(), LifecycleNames.Of(state)));
        Assert.All(Enum.GetValues<LifecycleTrigger>(), trigger => Assert.Equal(trigger.ToString(), LifecycleNames.Of(trigger)));
    }

    [Fact]
    public void Each_mode_outcome_and_skip_reason_is_named_as_the_enum_names_it()
    {
        Assert.All(Enum.GetValues<BuilderMode>(), mode => Assert.Equal(mode.ToString(), LifecycleNames.Of(mode)));
        Assert.All(Enum.GetValues<BuildOutcome>(), outcome => Assert.Equal(outcome.ToString(), LifecycleNames.Of(outcome)));
        Assert.All(Enum.GetValues<SkipReason>(), reason => Assert.Equal(reason.ToString(), LifecycleNames.Of(reason)));
        Assert.Equal(((BuilderMode)7).ToString(), LifecycleNames.Of((BuilderMode)7));
        Assert.Equal(((BuildOutcome)(-2)).ToString(), LifecycleNames.Of((BuildOutcome)(-2)));
        Assert.Equal(((SkipReason)40).ToString(), LifecycleNames.Of((SkipReason)40));
    }

    [Fact]
    public void The_counts_are_one_past_the_largest_state_and_trigger()
    {
        // The machine sizes its arrays by state and by trigger from these.
        Assert.Equal(Enum.GetValues<LifecycleState>().Max(s => (int)s) + 1, LifecycleNames.StateCount);
        Assert.Equal(Enum.GetValues<LifecycleTrigger>().Max(t => (int)t) + 1, LifecycleNames.TriggerCount);
    }

    [Fact]
    public void A_value_the_enum_does_not_name_is_written_as_its_number()
    {
        Assert.Equal(((LifecycleState)99).ToString(), LifecycleNames.Of((LifecycleState)99));
        Assert.Equal(((LifecycleTrigger)(-1)).ToString(), LifecycleNames.Of((LifecycleTrigger)(-1)));
    }

    [Fact]
    public void Each_name_reads_back_as_its_value()
    {
        Assert.All(Enum.GetValues<LifecycleState>(), state =>
        {
            Assert.True(LifecycleNames.TryParseExact(state.ToString(), out LifecycleState read));
            Assert.Equal(state, read);
        });
        Assert.All(Enum.GetValues<LifecycleTrigger>(), trigger =>
        {
            Assert.True(LifecycleNames.TryParseExact(trigger.ToString(), out LifecycleTrigger read));
            Assert.Equal(trigger, read);
        });
    }

    [Theory]
    [InlineData("idle")]
    [InlineData(" Idle")]
    [InlineData("3")]
    [InlineData("Idle, Done")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_an_exact_name_reads(string? text)
    {
        Assert.False(LifecycleNames.TryParseExact(text, out LifecycleState _));
        Assert.False(LifecycleNames.TryParseExact(text, out LifecycleTrigger _));
    }
}
