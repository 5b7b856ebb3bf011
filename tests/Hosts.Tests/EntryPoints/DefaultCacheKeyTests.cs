using System.Runtime.InteropServices;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.LocalStore;
using Bogus;

namespace Blacksmith.Hosts.Tests.EntryPoints;

public sealed class DefaultCacheKeyTests
{
    [Fact]
    public void On_GitHub_the_key_is_repository_workflow_job_and_architecture()
    {
        var key = DefaultCacheKey.From(new MapEnvironment(new()
        {
            ["GITHUB_REPOSITORY"] = "acme/web",
            ["GITHUB_WORKFLOW"] = "CI build",
            ["GITHUB_JOB"] = "images",
        }), Architecture.Arm64);

        Assert.Equal("acme/web/CI-build/images/arm64", key);
    }

    [Fact]
    public void Matrix_legs_on_different_architectures_get_different_keys()
    {
        var environment = new MapEnvironment(new() { ["GITHUB_REPOSITORY"] = "acme/web", ["GITHUB_WORKFLOW"] = "ci", ["GITHUB_JOB"] = "build" });

        Assert.NotEqual(DefaultCacheKey.From(environment, Architecture.X64), DefaultCacheKey.From(environment, Architecture.Arm64));
    }

    [Fact]
    public void Other_CI_systems_and_a_laptop_get_keys_of_their_own()
    {
        Assert.Equal("group/project/docker-build/amd64",
            DefaultCacheKey.From(new MapEnvironment(new() { ["CI_PROJECT_PATH"] = "group/project", ["CI_JOB_NAME"] = "docker build" }), Architecture.X64));
        Assert.Equal("acme/pipeline/images/amd64",
            DefaultCacheKey.From(new MapEnvironment(new() { ["BUILDKITE_ORGANIZATION_SLUG"] = "acme", ["BUILDKITE_PIPELINE_SLUG"] = "pipeline", ["BUILDKITE_STEP_KEY"] = "images" }), Architecture.X64));
        Assert.Equal("local/amd64", DefaultCacheKey.From(new MapEnvironment([]), Architecture.X64));
    }

    [Fact]
    public void Characters_a_store_may_refuse_are_replaced_and_the_key_stays_bounded()
    {
        var key = DefaultCacheKey.From(new MapEnvironment(new()
        {
            ["GITHUB_REPOSITORY"] = "acme/web",
            ["GITHUB_WORKFLOW"] = "ci: ../../etc/passwd " + new string('x', 300),
            ["GITHUB_JOB"] = "build",
        }), Architecture.X64);

        Assert.True(key.Length <= DefaultCacheKey.MaxLength);
        Assert.DoesNotContain("..", key.Split('/'));
        Assert.Matches("^[A-Za-z0-9._/-]+$", key);
        Assert.EndsWith("/build/amd64", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Whatever_the_CI_calls_its_repository_workflow_and_job_the_default_key_is_one_the_store_accepts()
    {
        var faker = new Faker { Random = new Randomizer(20261205) };
        string Part() => faker.Random.Bool(0.3f)
            ? faker.PickRandom(".github", "..", "a..b", "//", "-x-", " ", "ü", "a/../b", "x/", "/x", new string('w', 300))
            : faker.Random.String2(faker.Random.Int(0, 40), "abcXYZ019._-/ :+@\t.");

        for (var i = 0; i < 300; i++)
        {
            var key = DefaultCacheKey.From(new MapEnvironment(new()
            {
                ["GITHUB_REPOSITORY"] = Part(),
                ["GITHUB_WORKFLOW"] = Part(),
                ["GITHUB_JOB"] = Part(),
            }), faker.PickRandom(Architecture.X64, Architecture.Arm64));

            Assert.True(CacheKeyName.Problem(key) is null, $"'{key}': {CacheKeyName.Problem(key)}");
        }
    }
}
