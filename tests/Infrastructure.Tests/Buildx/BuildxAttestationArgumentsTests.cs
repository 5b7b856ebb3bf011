using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The <c>--attest</c> flags: provenance input or upstream's default, sbom, then <c>attests</c> (protocols §2.5).</summary>
public sealed class BuildxAttestationArgumentsTests
{
    private const string Builder = $"builder-id={Builds.RunUrl}";

    [Fact]
    public void A_public_repository_gets_max_provenance_by_default()
    {
        Assert.Equal([$"type=provenance,mode=max,{Builder}"], Builds.Plan(new BuildInputs()).Values("--attest"));
    }

    [Fact]
    public void A_private_repository_gets_min_inline_only_provenance_by_default()
    {
        var plan = Builds.Plan(new BuildInputs(), environment: Builds.GitHub with { RepositoryPrivate = true });

        Assert.Equal([$"type=provenance,mode=min,inline-only=true,{Builder}"], plan.Values("--attest"));
    }

    [Fact]
    public void A_repository_whose_privacy_is_unknown_is_treated_as_private()
    {
        var plan = Builds.Plan(new BuildInputs(), environment: Builds.GitHub with { RepositoryPrivate = null });

        Assert.Equal([$"type=provenance,mode=min,inline-only=true,{Builder}"], plan.Values("--attest"));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("TRUE")]
    public void BUILDX_NO_DEFAULT_ATTESTATIONS_turns_the_default_off(string value)
    {
        var environment = Builds.GitHub with { NoDefaultAttestations = value };

        Assert.DoesNotContain("--attest", Builds.Plan(new BuildInputs(), environment: environment).Arguments);
        Assert.False(BuildxBuildArguments.MayAddDefaultProvenance(new BuildInputs(), environment, Builds.Current));
    }

    [Fact]
    public void BUILDX_NO_DEFAULT_ATTESTATIONS_false_keeps_the_default_and_garbage_is_rejected()
    {
        Assert.Single(Builds.Plan(new BuildInputs(), environment: Builds.GitHub with { NoDefaultAttestations = "false" }).Values("--attest"));

        var error = Assert.Throws<InvalidBuildInputsException>(() => Builds.Plan(new BuildInputs(), environment: Builds.GitHub with { NoDefaultAttestations = "yes" }));
        Assert.Contains("BUILDX_NO_DEFAULT_ATTESTATIONS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_default_provenance_when_loading_into_docker_or_exporting_to_docker()
    {
        Assert.DoesNotContain("--attest", Builds.Plan(new BuildInputs { Load = true }).Arguments);
        Assert.DoesNotContain("--attest", Builds.Plan(new BuildInputs { Outputs = ["type=docker,name=app"] }).Arguments);
    }

    [Fact]
    public void No_default_provenance_when_the_builders_BuildKit_is_older_than_0_11()
    {
        Assert.DoesNotContain("--attest", Builds.Plan(new BuildInputs(), buildkitSupportsProvenance: false).Arguments);
    }

    [Fact]
    public void Attestations_need_buildx_0_10_and_are_ignored_with_a_notice_when_asked_for_on_an_older_one()
    {
        var old = Builds.Plan(new BuildInputs { Sbom = "true" }, Builds.Version(0, 9, 1));

        Assert.DoesNotContain("--attest", old.Arguments);
        Assert.Contains(old.Notices, n => n.Contains("'attests', 'provenance' and 'sbom' are ignored", StringComparison.Ordinal));
        Assert.Empty(Builds.Plan(new BuildInputs(), Builds.Version(0, 9, 1)).Notices);
        Assert.False(BuildxBuildArguments.MayAddDefaultProvenance(new BuildInputs(), Builds.GitHub, Builds.Version(0, 9, 1)));
    }

    [Theory]
    [InlineData("true", $"type=provenance,{Builder}")]
    [InlineData("True", $"type=provenance,{Builder}")]
    [InlineData("false", "type=provenance,disabled=true")]
    [InlineData("FALSE", "type=provenance,disabled=true")]
    [InlineData("mode=min", $"type=provenance,mode=min,{Builder}")]
    [InlineData("mode=max,builder-id=mine", "type=provenance,mode=max,builder-id=mine")]
    // Actions reads only true/True/TRUE as a boolean input; "1" is an attribute, which buildx then reads as a boolean.
    [InlineData("1", $"type=provenance,disabled=false,{Builder}")]
    public void The_provenance_input_replaces_the_default(string input, string expected)
    {
        var plan = Builds.Plan(new BuildInputs { Provenance = input, Attests = ["type=provenance,mode=max"] });

        Assert.Equal([expected], plan.Values("--attest"));
        Assert.False(BuildxBuildArguments.MayAddDefaultProvenance(new BuildInputs { Provenance = input }, Builds.GitHub, Builds.Current));
    }

    [Fact]
    public void Provenance_in_attests_replaces_the_default_and_gets_the_builder_id()
    {
        var plan = Builds.Plan(new BuildInputs { Attests = ["type=provenance,mode=min"] });

        Assert.Equal([$"type=provenance,mode=min,{Builder}"], plan.Values("--attest"));
    }

    [Fact]
    public void The_sbom_input_wins_over_an_sbom_in_attests_and_other_attests_pass_with_booleans_resolved()
    {
        var plan = Builds.Plan(new BuildInputs
        {
            Sbom = "generator=docker/scout-sbom-indexer:1",
            Attests = ["type=sbom,generator=image", "type=custom,false", "type=spdx, \"a,b\" "],
        });

        Assert.Equal(
            [
                $"type=provenance,mode=max,{Builder}",
                "type=sbom,generator=docker/scout-sbom-indexer:1",
                "type=custom,disabled=true",
                "type=spdx,a,b",
            ],
            plan.Values("--attest"));
    }

    [Fact]
    public void An_sbom_in_attests_passes_unchanged_without_the_sbom_input()
    {
        Assert.Equal(
            [$"type=provenance,mode=max,{Builder}", "type=sbom,generator=image"],
            Builds.Plan(new BuildInputs { Attests = ["type=sbom,generator=image"] }).Values("--attest"));
    }

    [Fact]
    public void Off_GitHub_Actions_provenance_gets_no_builder_id()
    {
        var plan = Builds.Plan(new BuildInputs { Context = ".", Provenance = "true", Attests = ["type=provenance,mode=max"] }, environment: Builds.Elsewhere);

        Assert.Equal(["type=provenance"], plan.Values("--attest"));
        Assert.Equal(["type=provenance,mode=min,inline-only=true"], Builds.Plan(new BuildInputs { Context = "." }, environment: Builds.Elsewhere).Values("--attest"));
    }

    [Fact]
    public void Attestations_come_after_platforms_and_before_secrets()
    {
        var plan = Builds.Plan(new BuildInputs { Platforms = ["linux/amd64"], Secrets = new BuildSecretInputs(["A=1"], string.Empty) });
        var arguments = plan.Arguments.ToList();

        Assert.Equal(arguments.IndexOf("--platform") + 2, arguments.IndexOf("--attest"));
        Assert.Equal(arguments.IndexOf("--attest") + 2, arguments.IndexOf("--secret"));
    }
}
