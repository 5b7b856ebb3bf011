using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The per-build directory: private, holding the secrets as 0600 files, gone afterwards.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildTemporaryFilesTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_plans_secrets_are_written_0600_in_a_0700_directory_that_is_removed_on_dispose()
    {
        string directory, secretPath;
        using (var files = BuildTemporaryFiles.Create(_temp.Sub("job"), "build/7"))
        {
            directory = files.Directory;
            var plan = BuildxBuildArguments.Plan(
                new BuildRequest("build/7", string.Empty, new BuildInputs { Secrets = new BuildSecretInputs(["NPM=npm-value", "EMPTY_LINE=a\nb"], "ghs_token") }),
                new BuildxBuildFacts(Builds.Current, Builds.GitHub, true, _ => true),
                files.Directory);

            files.Write(plan.SecretFiles);

            Assert.Equal(PrivateDirectory, File.GetUnixFileMode(directory));
            Assert.Equal(PrivateDirectory, File.GetUnixFileMode(_temp.Sub("job")));
            Assert.StartsWith(Path.Combine(_temp.Sub("job"), "build-build_7-"), directory, StringComparison.Ordinal);
            Assert.Equal(3, plan.SecretFiles.Count);
            foreach (var secret in plan.SecretFiles)
            {
                Assert.Equal(Private, File.GetUnixFileMode(secret.Path));
                Assert.Equal(secret.Value, File.ReadAllText(secret.Path));
            }

            secretPath = plan.SecretFiles[0].Path;
            Assert.Equal("npm-value"u8.ToArray(), File.ReadAllBytes(secretPath));
        }

        Assert.False(Directory.Exists(directory));
        Assert.False(File.Exists(secretPath));
        Assert.True(Directory.Exists(_temp.Sub("job")));
    }

    [Fact]
    public void Two_builds_with_the_same_id_get_separate_directories()
    {
        using var first = BuildTemporaryFiles.Create(_temp.Path, "same");
        using var second = BuildTemporaryFiles.Create(_temp.Path, "same");

        Assert.NotEqual(first.Directory, second.Directory);
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        using var files = BuildTemporaryFiles.Create(_temp.Path, "b");
        var path = Path.Combine(files.Directory, "secret-1");
        File.WriteAllText(path, "planted");

        Assert.Throws<IOException>(() => files.Write([new BuildSecretFile(path, "A", "value")]));
        Assert.Equal("planted", File.ReadAllText(path));
    }

    [Fact]
    public void A_secret_file_outside_the_directory_is_refused()
    {
        using var files = BuildTemporaryFiles.Create(_temp.Path, "b");

        Assert.Throws<ArgumentException>(() => files.Write([new BuildSecretFile(Path.Combine(_temp.Path, "elsewhere"), "A", "value")]));
        Assert.False(File.Exists(Path.Combine(_temp.Path, "elsewhere")));
    }

    [Fact]
    public void Deleting_twice_is_harmless_and_reports_nothing()
    {
        var files = BuildTemporaryFiles.Create(_temp.Path, "b");
        File.WriteAllText(Path.Combine(files.Directory, "build-metadata.json"), "{}");

        Assert.Null(files.TryDelete());
        Assert.Null(files.TryDelete());
        files.Dispose();
        Assert.False(Directory.Exists(files.Directory));
    }

    [Fact]
    public void A_secret_file_prints_without_its_value()
    {
        var text = new BuildSecretFile("/d/secret-1", "NPM", "npm-value").ToString();

        Assert.Contains("NPM", text, StringComparison.Ordinal);
        Assert.Contains("/d/secret-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("npm-value", text, StringComparison.Ordinal);
    }
}
