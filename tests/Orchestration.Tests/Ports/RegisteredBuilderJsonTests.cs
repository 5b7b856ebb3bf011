using System.Text.Json;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Orchestration.Tests.Ports;

public sealed class RegisteredBuilderJsonTests
{
    [Fact]
    public void A_registration_recorded_as_the_name_alone_still_reads_with_no_facts()
    {
        // Every journal and scenario written before the facts were recorded keeps the builder's name as a string.
        var read = JsonSerializer.Deserialize("\"blacksmith-mefmw000\"", EffectJsonContext.Default.RegisteredBuilder);

        Assert.Equal(new RegisteredBuilder("blacksmith-mefmw000"), read);
    }

    [Fact]
    public void A_registration_with_its_facts_round_trips_through_the_journal_form()
    {
        var registered = new RegisteredBuilder("blacksmith-mefmw000", new BuilderFacts("0.23.0", "remote", ["v0.23.2", string.Empty]));

        var json = JsonSerializer.Serialize(registered, EffectJsonContext.Default.RegisteredBuilder);

        Assert.Equal("""{"name":"blacksmith-mefmw000","facts":{"buildxVersion":"0.23.0","driver":"remote","buildkitVersions":["v0.23.2",""]}}""", json);
        Assert.Equal(registered, JsonSerializer.Deserialize(json, EffectJsonContext.Default.RegisteredBuilder));
    }
}
