using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Orchestration.Lifecycle;
using Bogus;

namespace Blacksmith.Hosts.Tests.EntryPoints;

public sealed class SetupInputsTests
{
    private readonly Faker _faker = new() { Random = new Randomizer(108) };

    [Fact]
    public void No_inputs_give_upstream_defaults_and_no_warnings()
    {
        var inputs = SetupInputs.Read(Runtime([]));

        Assert.Null(inputs.CacheKey);
        Assert.Equal("latest", inputs.BuildxVersion);
        Assert.False(inputs.NoFallback);
        Assert.Equal(CommitMode.Auto, inputs.Commit);
        Assert.Null(inputs.MaxParallelism);
        Assert.Null(inputs.MaxCacheSizeMb);
        Assert.Empty(inputs.Platforms);
        Assert.Empty(inputs.Warnings);
    }

    [Fact]
    public void Every_input_is_read_under_its_upstream_name()
    {
        var key = _faker.Internet.DomainWord();
        var parallelism = _faker.Random.Int(1, 64);
        var inputs = SetupInputs.Read(Runtime(new()
        {
            ["INPUT_CACHE-KEY"] = $"  {key} ",
            ["INPUT_BUILDX-VERSION"] = "v0.17.1",
            ["INPUT_BUILDKIT-VERSION"] = "v0.16.0",
            ["INPUT_PLATFORMS"] = "linux/amd64,linux/arm64",
            ["INPUT_NOFALLBACK"] = "true",
            ["INPUT_DRIVER-OPTS"] = "env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760\nenv.JAEGER_TRACE=localhost:6831",
            ["INPUT_MAX-PARALLELISM"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["INPUT_MAX-CACHE-SIZE-MB"] = "20480",
            ["INPUT_COMMIT"] = "always-on-success",
        }));

        Assert.Equal(key, inputs.CacheKey);
        Assert.Equal("v0.17.1", inputs.BuildxVersion);
        Assert.Equal("v0.16.0", inputs.BuildkitVersion);
        Assert.Equal(["linux/amd64", "linux/arm64"], inputs.Platforms);
        Assert.True(inputs.NoFallback);
        Assert.Equal(new Dictionary<string, string> { ["BUILDKIT_STEP_LOG_MAX_SIZE"] = "10485760", ["JAEGER_TRACE"] = "localhost:6831" }, inputs.DaemonEnvironment);
        Assert.Equal(parallelism, inputs.MaxParallelism);
        Assert.Equal(20480, inputs.MaxCacheSizeMb);
        Assert.Equal(CommitMode.AlwaysOnSuccess, inputs.Commit);
        Assert.Empty(inputs.Warnings);
    }

    [Theory]
    [InlineData("INPUT_NOFALLBACK", "yes", "nofallback")]
    [InlineData("INPUT_MAX-PARALLELISM", "0", "max-parallelism")]
    [InlineData("INPUT_MAX-PARALLELISM", "four", "max-parallelism")]
    [InlineData("INPUT_MAX-CACHE-SIZE-MB", "-5", "max-cache-size-mb")]
    [InlineData("INPUT_COMMIT", "sometimes", "commit")]
    public void A_bad_value_is_an_error_naming_the_input(string variable, string value, string input)
    {
        var error = Assert.Throws<CiInputException>(() => SetupInputs.Read(Runtime(new() { [variable] = value })));

        Assert.Equal(input, error.InputName);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape", "it starts with '.'")]
    [InlineData("has space", "it contains the character U+0020")]
    [InlineData("a//b", "it contains '//'")]
    [InlineData("trailing/", "it ends in '/'")]
    public void A_cache_key_the_store_would_refuse_is_an_error_naming_the_input_and_the_rule(string key, string problem)
    {
        var error = Assert.Throws<CiInputException>(() => SetupInputs.Read(Runtime(new() { ["INPUT_CACHE-KEY"] = key })));

        Assert.Equal("cache-key", error.InputName);
        Assert.StartsWith($"INPUT_CACHE-KEY '{key}' is not a valid cache key: {problem};", error.Message, StringComparison.Ordinal);
        Assert.Contains("1-128 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_key_longer_than_the_store_keeps_is_an_error()
    {
        var error = Assert.Throws<CiInputException>(() => SetupInputs.Read(Runtime(new() { ["INPUT_CACHE-KEY"] = new string('k', 129) })));

        Assert.Contains("it is 129 characters long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignored_and_deprecated_inputs_are_warnings_not_errors()
    {
        var inputs = SetupInputs.Read(Runtime(new()
        {
            ["INPUT_BUILDX-VERSION"] = "0.17",
            ["INPUT_BUILDKIT-VERSION"] = "master",
            ["INPUT_DRIVER-OPTS"] = "image=moby/buildkit:master",
            ["INPUT_SKIP-INTEGRITY-CHECK"] = "true",
        }));

        Assert.Equal("latest", inputs.BuildxVersion);
        Assert.Null(inputs.BuildkitVersion);
        Assert.Collection(inputs.Warnings,
            w => Assert.Contains("buildx-version '0.17'", w, StringComparison.Ordinal),
            w => Assert.Contains("buildkit-version 'master'", w, StringComparison.Ordinal),
            w => Assert.Contains("driver-opts 'image'", w, StringComparison.Ordinal),
            w => Assert.Contains("skip-integrity-check is deprecated", w, StringComparison.Ordinal));
    }

    [Fact]
    public void The_action_defaults_the_runner_always_passes_bring_no_warning()
    {
        var inputs = SetupInputs.Read(Runtime(new()
        {
            ["INPUT_BUILDX-VERSION"] = "v0.23.0",
            ["INPUT_NOFALLBACK"] = "false",
            ["INPUT_SKIP-INTEGRITY-CHECK"] = "false",
            ["INPUT_COMMIT"] = "auto",
            ["INPUT_JOB-STATUS"] = "success",
        }));

        Assert.Empty(inputs.Warnings);
    }

    [Fact]
    public void The_github_token_is_masked_as_soon_as_it_is_read()
    {
        var token = $"ghs_{_faker.Random.AlphaNumeric(36)}";
        var masker = new SecretMasker();

        SetupInputs.Read(Runtime(new() { ["INPUT_GITHUB-TOKEN"] = token }, masker));

        Assert.DoesNotContain(token, masker.Redact($"token is {token}"), StringComparison.Ordinal);
    }

    private static GitHubActionsRuntime Runtime(Dictionary<string, string> variables, SecretMasker? masker = null) =>
        new(new MapEnvironment(variables), TextWriter.Null, new Random(7), masker ?? new SecretMasker());
}
