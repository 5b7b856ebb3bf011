using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Ports;

/// <summary>Build inputs end up in log lines; their text form must never carry a secret value or the token.</summary>
public sealed class BuildInputsSecretsTests
{
    [Fact]
    public void No_text_form_of_the_inputs_request_or_secrets_shows_a_value_or_the_token()
    {
        var faker = new Faker { Random = new Randomizer(99) };
        for (var round = 0; round < 100; round++)
        {
            var values = Enumerable.Range(0, faker.Random.Int(1, 4)).Select(_ => faker.Random.AlphaNumeric(faker.Random.Int(8, 40))).ToList();
            var token = $"ghs_{faker.Random.AlphaNumeric(36)}";
            var secrets = new BuildSecretInputs([.. values.Select((v, i) => i == 0 ? $"={v}" : $"KEY_{i}={v}")], token);
            var inputs = new BuildInputs { Secrets = secrets, Tags = ["octo/app:1"] };

            foreach (var text in new[] { secrets.ToString(), inputs.ToString(), new BuildRequest("b1", "builder", inputs).ToString() })
            {
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.All(values, v => Assert.DoesNotContain(v, text, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void The_text_form_shows_the_keys_and_whether_a_token_is_set()
    {
        Assert.Equal(
            "BuildSecretInputs { Entries = [NPM_TOKEN, (not KEY=VALUE)] (values hidden), GitHubToken = (set) }",
            new BuildSecretInputs(["NPM_TOKEN=abc", "=abc"], "t").ToString());
        Assert.Equal("BuildSecretInputs { Entries = [] (values hidden), GitHubToken = (none) }", BuildSecretInputs.None.ToString());
    }

    [Fact]
    public void Inputs_default_to_upstreams_defaults()
    {
        var inputs = new BuildInputs();

        Assert.False(inputs.Load || inputs.NoCache || inputs.Pull || inputs.Push || inputs.Estargz);
        Assert.Empty(inputs.Context);
        Assert.Empty(inputs.Tags);
        Assert.Same(BuildSecretInputs.None, inputs.Secrets);
    }
}
