using Blacksmith.Hosting.Composition;
using Blacksmith.Infrastructure.Ci;
using Bogus;

namespace Blacksmith.Hosts.Tests.EntryPoints;

public sealed class StoreSelectionTests
{
    private readonly Faker _faker = new() { Random = new Randomizer(109) };

    [Theory]
    [InlineData("BLACKSMITH_VM_ID")]
    [InlineData("BLACKSMITH_AGENT_ADDRESS")]
    public void A_Blacksmith_runner_or_an_agent_address_selects_the_agent(string variable)
    {
        var (mode, why) = StoreSelection.Choose(null, new MapEnvironment(new() { [variable] = _faker.Random.AlphaNumeric(16) }));

        Assert.Equal(StoreMode.Agent, mode);
        Assert.Contains(variable, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_runner_or_an_agent_address_the_store_is_local()
    {
        Assert.Equal(StoreMode.Local, StoreSelection.Choose(null, new MapEnvironment(new() { ["BLACKSMITH_VM_ID"] = "" })).Mode);
    }

    [Fact]
    public void The_flag_wins_over_the_environment_both_ways()
    {
        Assert.Equal(StoreMode.Agent, StoreSelection.Choose("agent", new MapEnvironment([])).Mode);
        Assert.Equal(StoreMode.Local, StoreSelection.Choose(" Local ", new MapEnvironment(new() { ["BLACKSMITH_VM_ID"] = "vm-1" })).Mode);
    }

    [Fact]
    public void Another_store_name_is_an_input_error()
    {
        var error = Assert.Throws<CiInputException>(() => StoreSelection.Choose("s3", new MapEnvironment([])));
        Assert.Contains("'s3'", error.Message, StringComparison.Ordinal);
    }
}
