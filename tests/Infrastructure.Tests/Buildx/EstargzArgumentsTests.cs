using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Blacksmith's <c>estargz</c>: eStargz attributes on the pushed image output (docs/builds.md).</summary>
public sealed class EstargzArgumentsTests
{
    private const string Attributes = BuildxBuildArguments.EstargzAttributes;

    [Fact]
    public void With_push_and_no_outputs_a_compressed_registry_output_is_added()
    {
        var plan = Builds.Plan(new BuildInputs { Estargz = true, Push = true });

        Assert.Equal([$"type=registry,{Attributes}"], plan.Values("--output"));
        Assert.Contains("--push", plan.Arguments);
        Assert.Empty(plan.Notices);
    }

    [Theory]
    [InlineData("type=registry", $"type=registry,{Attributes}")]
    [InlineData("type=registry,name=octo/app", $"type=registry,name=octo/app,{Attributes}")]
    [InlineData("type=image,name=octo/app,push=true", $"type=image,name=octo/app,push=true,{Attributes}")]
    [InlineData("type=local,dest=out", "type=local,dest=out")]
    [InlineData("type=registry,compression=zstd", "type=registry,compression=zstd")]
    public void Registry_and_image_outputs_get_the_attributes_unless_they_choose_a_compression(string output, string expected)
    {
        var plan = Builds.Plan(new BuildInputs { Estargz = true, Push = true, Outputs = [output, "type=tar,dest=out.tar"] });

        Assert.Equal([expected, "type=tar,dest=out.tar"], plan.Values("--output"));
    }

    [Fact]
    public void A_notice_says_why_estargz_changed_nothing()
    {
        Assert.Contains(
            "estargz applies to a registry or image output, and 'outputs' has none; the input 'estargz' is ignored.",
            Builds.Plan(new BuildInputs { Estargz = true, Push = true, Outputs = ["type=local,dest=out"] }).Notices);
        Assert.Contains(
            "The output 'type=registry,compression=zstd' sets its own compression; estargz leaves it as it is.",
            Builds.Plan(new BuildInputs { Estargz = true, Push = true, Outputs = ["type=registry,compression=zstd"] }).Notices);
    }

    [Fact]
    public void Without_push_estargz_is_ignored_with_a_notice()
    {
        var plan = Builds.Plan(new BuildInputs { Estargz = true, Outputs = ["type=registry"] });

        Assert.Equal(["type=registry"], plan.Values("--output"));
        Assert.Contains("eStargz compression requires push: true; the input 'estargz' is ignored.", plan.Notices);
    }

    [Fact]
    public void Buildx_older_than_0_10_ignores_estargz_with_a_notice()
    {
        var plan = Builds.Plan(new BuildInputs { Estargz = true, Push = true }, Builds.Version(0, 9, 1));

        Assert.DoesNotContain("--output", plan.Arguments);
        Assert.Contains(plan.Notices, n => n.StartsWith("eStargz compression requires buildx >= 0.10.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_estargz_outputs_pass_unchanged()
    {
        Assert.Equal(["type=registry"], Builds.Plan(new BuildInputs { Push = true, Outputs = ["type=registry"] }).Values("--output"));
        Assert.DoesNotContain("--output", Builds.Plan(new BuildInputs { Push = true }).Arguments);
    }
}
