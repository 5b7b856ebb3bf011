using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The exporter and attestation helpers and the CSV reading under them, as docker/actions-toolkit behaves.</summary>
public sealed class BuildxAttributesTests
{
    [Theory]
    [InlineData("local", new[] { "type=local,dest=out" }, true)]
    [InlineData("local", new[] { "./out" }, true)]
    [InlineData("tar", new[] { "./out" }, false)]
    [InlineData("tar", new[] { "type=registry", "type=tar,dest=a.tar" }, true)]
    [InlineData("docker", new[] { "type = docker , name=x" }, true)]
    [InlineData("registry", new[] { "type=image,push=true" }, false)]
    [InlineData("local", new string[0], false)]
    // A bare path decides at once, as upstream: later records are not looked at.
    [InlineData("registry", new[] { "./out", "type=registry" }, false)]
    public void HasExporterType_follows_upstream(string type, string[] outputs, bool expected)
    {
        Assert.Equal(expected, BuildxAttributes.HasExporterType(type, outputs));
    }

    [Fact]
    public void Loading_counts_as_a_docker_exporter()
    {
        Assert.True(BuildxAttributes.HasDockerExporter([], load: true));
        Assert.True(BuildxAttributes.HasDockerExporter(["type=docker"], load: false));
        Assert.False(BuildxAttributes.HasDockerExporter(["type=registry"], load: false));
    }

    [Theory]
    [InlineData("provenance", "type=provenance,mode=max", true)]
    [InlineData("provenance", "mode=max,type=provenance", true)]
    [InlineData("provenance", "type=sbom", false)]
    [InlineData("sbom", " type = sbom ", true)]
    public void HasAttestationType_finds_the_type_field_anywhere(string type, string attributes, bool expected)
    {
        Assert.Equal(expected, BuildxAttributes.HasAttestationType(type, attributes));
    }

    [Theory]
    [InlineData("type=provenance,false", "type=provenance,disabled=true")]
    [InlineData("type=sbom,t", "type=sbom,disabled=false")]
    [InlineData("type=sbom,generator=image", "type=sbom,generator=image")]
    [InlineData("type=x,\"quoted,field\"", "type=x,quoted,field")]
    public void ResolveAttestationAttributes_turns_booleans_into_disabled(string attributes, string expected)
    {
        Assert.Equal(expected, BuildxAttributes.ResolveAttestationAttributes(attributes));
    }

    [Theory]
    [InlineData("", "builder-id=https://run")]
    [InlineData("mode=max", "mode=max,builder-id=https://run")]
    [InlineData("mode=max, builder-id = mine", "mode=max, builder-id = mine")]
    public void ResolveProvenanceAttributes_adds_the_builder_id_once(string input, string expected)
    {
        Assert.Equal(expected, BuildxAttributes.ResolveProvenanceAttributes(input, "https://run"));
    }

    [Fact]
    public void Csv_reads_quotes_escaped_quotes_and_line_breaks()
    {
        var records = BuildxCsv.Records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n d , \"multi\nline\"");

        Assert.Equal(2, records.Count);
        Assert.Equal(["a", "b,c", "say \"hi\""], records[0]);
        Assert.Equal(["d", "multi\nline"], records[1]);
    }

    [Fact]
    public void Csv_is_lenient_where_csv_parse_would_throw()
    {
        Assert.Equal(["a\"b", "c"], BuildxCsv.Records("a\"b,c")[0]);
        Assert.Equal(["ab x", "c"], BuildxCsv.Records("\"ab\" x,c")[0]);
        Assert.Equal(["open, to the end"], BuildxCsv.Records("\"open, to the end")[0]);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("T", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("FALSE", false)]
    [InlineData("yes", null)]
    [InlineData("", null)]
    public void GoBool_accepts_what_strconv_ParseBool_accepts(string text, bool? expected)
    {
        Assert.Equal(expected, GoBool.TryParse(text));
    }
}
