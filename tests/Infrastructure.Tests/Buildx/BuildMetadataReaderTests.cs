using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The image id and metadata files: the real fixture, and every way they can be missing or wrong.</summary>
public sealed class BuildMetadataReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_toolkit_fixture_gives_digest_reference_and_decoded_build_check_warnings()
    {
        var path = ToolkitFixtures.Path("metadata-build.json");

        var metadata = BuildMetadataReader.Read(null, path);

        Assert.Empty(metadata.Problems);
        Assert.Equal("sha256:b09b9482c72371486bb2c1d2c2a2633ed1d0b8389e12c8d52b9e052725c0c83c", metadata.Digest);
        Assert.Equal("default/default/n6ibcp9b2pw108rrz7ywdznvo", metadata.BuildRef);
        Assert.Equal(File.ReadAllText(path).Trim(), metadata.Json);
        Assert.Equal(3, metadata.Warnings.Count);
        var first = metadata.Warnings[0];
        Assert.Equal("ConsistentInstructionCasing", first.Rule);
        Assert.Equal("ConsistentInstructionCasing: Command 'frOM' should be consistently cased", first.Message);
        Assert.Equal("Instructions should be in consistent casing (all lower or all upper)", first.Detail);
        Assert.Equal("https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/", first.Url);
        Assert.Equal("Dockerfile", first.File);
        Assert.Equal(2, first.Line);
        Assert.Equal([2, 3, 6], metadata.Warnings.Select(w => w.Line));
        Assert.Equal("ConsistentInstructionCasing: Command 'COPy' should be consistently cased", metadata.Warnings[2].Message);
    }

    [Fact]
    public void The_image_id_is_the_trimmed_iidfile()
    {
        var iid = Write("build-iidfile.txt", "sha256:059b68a595b22564a1cbc167f369349fdc2ecc1f7bc092c2235cbf601a795fd\n");

        var metadata = BuildMetadataReader.Read(iid, null);

        Assert.Equal("sha256:059b68a595b22564a1cbc167f369349fdc2ecc1f7bc092c2235cbf601a795fd", metadata.ImageId);
        Assert.Empty(metadata.Problems);
        Assert.Null(metadata.Json);
    }

    [Fact]
    public void Missing_files_mean_nothing_to_report_and_no_problem()
    {
        var metadata = BuildMetadataReader.Read(_temp.Sub("no-iid.txt"), _temp.Sub("no-metadata.json"));

        Assert.Null(metadata.ImageId);
        Assert.Null(metadata.Json);
        Assert.Null(metadata.Digest);
        Assert.Null(metadata.BuildRef);
        Assert.Empty(metadata.Problems);
        Assert.Empty(metadata.Warnings);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("  null\n")]
    public void A_null_document_is_no_metadata(string content)
    {
        var metadata = BuildMetadataReader.Read(null, Write("m.json", content));

        Assert.Null(metadata.Json);
        Assert.Empty(metadata.Problems);
    }

    [Theory]
    [InlineData("{\"containerimage.digest\": ", "it is not JSON")]
    [InlineData("", "it is not JSON")]
    [InlineData("[1, 2]", "it holds a JSON array")]
    [InlineData("\"text\"", "it holds a JSON string")]
    public void A_malformed_file_is_a_problem_naming_the_file_and_what_was_expected(string content, string why)
    {
        var path = Write("build-metadata.json", content);

        var metadata = BuildMetadataReader.Read(Write("iid.txt", "sha256:abc"), path);

        var problem = Assert.Single(metadata.Problems);
        Assert.StartsWith($"{path} is not usable build metadata: expected the JSON object buildx writes for --metadata-file, but {why}", problem, StringComparison.Ordinal);
        Assert.Null(metadata.Json);
        Assert.Null(metadata.Digest);
        // The image id does not depend on the metadata file.
        Assert.Equal("sha256:abc", metadata.ImageId);
    }

    [Fact]
    public void Fields_of_the_wrong_shape_are_ignored_one_by_one_with_a_problem_each()
    {
        var path = Write("m.json", """
            {
              "containerimage.digest": 42,
              "buildx.build.ref": "b/n/ref",
              "buildx.build.warnings": [
                {"short": "not base64!"},
                "not an object",
                {"short": "U2hvcnQ6IHdpdGhvdXQgZGV0YWlscyAobGluZSA5KQ=="}
              ]
            }
            """);

        var metadata = BuildMetadataReader.Read(null, path);

        Assert.Null(metadata.Digest);
        Assert.Equal("b/n/ref", metadata.BuildRef);
        Assert.NotNull(metadata.Json);
        var warning = Assert.Single(metadata.Warnings);
        Assert.Equal("Short", warning.Rule);
        Assert.Equal("Short: without details", warning.Message);
        Assert.Null(warning.Detail);
        Assert.Null(warning.File);
        Assert.Null(warning.Line);
        Assert.Equal(3, metadata.Problems.Count);
        Assert.Contains(metadata.Problems, p => p.Contains("'containerimage.digest' should be a string, but is a JSON number", StringComparison.Ordinal));
        Assert.Contains(metadata.Problems, p => p.Contains("warning 1 of 'buildx.build.warnings'", StringComparison.Ordinal));
        Assert.Contains(metadata.Problems, p => p.Contains("warning 2 of 'buildx.build.warnings'", StringComparison.Ordinal));
        Assert.All(metadata.Problems, p => Assert.StartsWith(path, p, StringComparison.Ordinal));
    }

    [Fact]
    public void Warnings_that_are_not_an_array_are_a_problem()
    {
        var metadata = BuildMetadataReader.Parse("{\"buildx.build.warnings\": {}}", "meta");

        Assert.Empty(metadata.Warnings);
        Assert.Equal(["meta: 'buildx.build.warnings' should be an array, but is a JSON object; ignored."], metadata.Problems);
    }

    private string Write(string name, string content)
    {
        var path = _temp.Sub(name);
        File.WriteAllText(path, content);
        return path;
    }
}
