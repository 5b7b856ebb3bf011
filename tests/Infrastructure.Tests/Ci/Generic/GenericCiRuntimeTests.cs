using System.Text.Json;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Ci.Generic;

public sealed class GenericCiRuntimeTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly DictionaryEnvironment _environment = new();
    private readonly StringWriter _log = new();
    private readonly StringWriter _stdout = new();
    private readonly SecretMasker _secrets = new();
    private readonly VirtualTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1_755_425_698));

    public void Dispose()
    {
        _log.Dispose();
        _stdout.Dispose();
        _temp.Dispose();
    }

    private string StateDirectory => _temp.Sub("job");

    private string[] LogLines => _log.ToString().Split('\n')[..^1];

    private GenericCiRuntime Runtime(GenericCiOptions? options = null) => new(
        options ?? new GenericCiOptions { StateDirectory = StateDirectory },
        _environment,
        _log,
        _stdout,
        new Random(3),
        _time,
        _secrets);

    private GenericCiRuntime WithFlags(params (string Name, string Value)[] flags) => Runtime(new GenericCiOptions
    {
        StateDirectory = StateDirectory,
        Inputs = flags.ToDictionary(f => f.Name, f => (string?)f.Value),
    });

    [Theory]
    [InlineData("cache-key", "BLACKSMITH_CACHE_KEY")]
    [InlineData("max-cache-size-mb", "BLACKSMITH_MAX_CACHE_SIZE_MB")]
    [InlineData("job-status", "BLACKSMITH_JOB_STATUS")]
    [InlineData("nofallback", "BLACKSMITH_NOFALLBACK")]
    public void Inputs_fall_back_to_BLACKSMITH_variables_with_underscores_for_hyphens(string name, string variable)
    {
        _environment[variable] = "  from env\n";

        var runtime = Runtime();

        Assert.Equal("from env", runtime.GetInput(name));
        Assert.Equal(variable, runtime.DescribeInput(name));
    }

    [Fact]
    public void A_flag_wins_over_the_variable()
    {
        _environment["BLACKSMITH_CACHE_KEY"] = "from-env";

        var runtime = WithFlags(("cache-key", " from-flag "));

        Assert.Equal("from-flag", runtime.GetInput("cache-key"));
        Assert.Equal("--cache-key", runtime.DescribeInput("cache-key"));
    }

    [Fact]
    public void A_blank_flag_counts_as_not_given()
    {
        _environment["BLACKSMITH_CACHE_KEY"] = "from-env";

        Assert.Equal("from-env", WithFlags(("cache-key", "  ")).GetInput("cache-key"));
    }

    [Fact]
    public void A_missing_input_is_empty_and_a_required_one_names_both_ways_to_give_it()
    {
        var runtime = Runtime();

        Assert.Equal(string.Empty, runtime.GetInput("cache-key"));
        var error = Assert.Throws<CiInputException>(() => runtime.GetRequiredInput("cache-key"));
        Assert.Contains("--cache-key or BLACKSMITH_CACHE_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Booleans_and_lists_are_parsed_as_on_GitHub()
    {
        _environment["BLACKSMITH_PUSH"] = "TRUE";
        _environment["BLACKSMITH_LOAD"] = "yes";
        var runtime = WithFlags(("tags", "a:1\n\"a:2,a:3\""), ("build-args", "A=1,B=2\nC=3"));

        Assert.True(runtime.GetBooleanInput("push", false));
        Assert.False(runtime.GetBooleanInput("no-cache", false));
        var error = Assert.Throws<CiInputException>(() => runtime.GetBooleanInput("load", false));
        Assert.Contains("BLACKSMITH_LOAD", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a:1", "a:2", "a:3"], runtime.GetListInput("tags"));
        Assert.Equal(["A=1,B=2", "C=3"], runtime.GetListInput("build-args", ListInputOptions.IgnoreComma));
    }

    [Theory]
    [InlineData("success", CiJobStatus.Success)]
    [InlineData("failure", CiJobStatus.Failure)]
    [InlineData("cancelled", CiJobStatus.Cancelled)]
    [InlineData("failed", CiJobStatus.Failure)]
    [InlineData("canceled", CiJobStatus.Cancelled)]
    [InlineData("SUCCESS", CiJobStatus.Success)]
    public void The_job_status_comes_from_the_flag_or_variable_and_accepts_GitLabs_spelling(string value, CiJobStatus expected)
    {
        Assert.Equal(expected, WithFlags(("job-status", value)).GetJobStatus());

        _environment["BLACKSMITH_JOB_STATUS"] = value;
        Assert.Equal(expected, Runtime().GetJobStatus());
    }

    [Fact]
    public void Another_job_status_is_an_error_naming_its_source()
    {
        _environment["BLACKSMITH_JOB_STATUS"] = "running";

        var error = Assert.Throws<CiInputException>(() => Runtime().GetJobStatus());

        Assert.Contains("BLACKSMITH_JOB_STATUS", error.Message, StringComparison.Ordinal);
        Assert.Contains("'running'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_saved_by_setup_is_read_by_post_from_the_state_directory()
    {
        var setup = Runtime();
        setup.SaveState("jobDir", "/tmp/blacksmith/gitlab-42");
        setup.SaveState("sessionId", "s-1");

        Assert.False(setup.IsPost);
        Assert.Null(setup.GetState("jobDir"));

        var post = Runtime();
        Assert.True(post.IsPost);
        Assert.Equal("/tmp/blacksmith/gitlab-42", post.GetState("jobDir"));
        Assert.Equal("s-1", post.GetState("sessionId"));
        Assert.Null(post.GetState("other"));
    }

    [Fact]
    public void Random_state_values_round_trip_through_the_file()
    {
        var faker = new Faker { Random = new Randomizer(99) };
        var values = Enumerable.Range(0, 50).ToDictionary(i => $"key{i}", _ => faker.Random.Utf16String(0, 30) + faker.Lorem.Sentence());
        var setup = Runtime();
        foreach (var (name, value) in values)
        {
            setup.SaveState(name, value);
        }

        var post = Runtime();
        foreach (var (name, value) in values)
        {
            Assert.Equal(value, post.GetState(name));
        }
    }

    [Fact]
    public void A_corrupt_state_file_is_an_error_naming_the_file()
    {
        Directory.CreateDirectory(StateDirectory);
        var path = Path.Combine(StateDirectory, GenericCiRuntime.StateFileName);
        File.WriteAllText(path, "{ not json");

        var error = Assert.Throws<CiRuntimeException>(() => Runtime().GetState("jobDir"));

        Assert.Contains($"state file '{path}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_are_merged_into_the_output_file_across_steps()
    {
        var file = _temp.Sub("outputs.json");
        var options = new GenericCiOptions { StateDirectory = StateDirectory, OutputFile = file };

        Runtime(options).SetOutput("name", "builder-1");
        Runtime(options).SetOutput("digest", "sha256:abc");
        Runtime(options).SetOutput("metadata", "{\n  \"a\": 1\n}");

        var outputs = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file));
        Assert.Equal(
            new Dictionary<string, string> { ["name"] = "builder-1", ["digest"] = "sha256:abc", ["metadata"] = "{\n  \"a\": 1\n}" },
            outputs);
        Assert.Equal(string.Empty, _stdout.ToString());
    }

    [Fact]
    public void The_output_file_is_the_only_file_left_beside_it_the_lock_lives_in_the_job_directory()
    {
        var workspace = Directory.CreateDirectory(_temp.Sub("workspace"));
        var options = new GenericCiOptions { StateDirectory = StateDirectory, OutputFile = Path.Combine(workspace.FullName, "outputs.json") };

        Runtime(options).SetOutput("digest", "sha256:abc");
        Runtime(options).SetOutput("name", "builder-1");

        Assert.Equal(["outputs.json"], workspace.EnumerateFileSystemInfos().Select(f => f.Name));
    }

    [Fact]
    public void Printed_outputs_use_the_github_output_format_on_standard_output()
    {
        var runtime = Runtime(new GenericCiOptions { StateDirectory = StateDirectory, PrintOutputs = true });

        runtime.SetOutput("digest", "sha256:abc");
        runtime.SetOutput("metadata", "{\n  \"a\": 1\n}");

        Assert.Equal(
            [new("digest", "sha256:abc"), new("metadata", "{\n  \"a\": 1\n}")],
            RunnerEnvironmentFile.Parse(_stdout.ToString()));
        Assert.Empty(LogLines);
    }

    [Fact]
    public void The_summary_is_appended_to_a_file_in_the_state_directory()
    {
        var runtime = Runtime();

        runtime.AppendSummary("## Build");
        runtime.AppendSummary("done\n");

        Assert.Equal("## Build\ndone\n", File.ReadAllText(Path.Combine(StateDirectory, GenericCiRuntime.SummaryFileName)));
    }

    [Fact]
    public void Masked_secrets_never_reach_the_log_or_the_summary()
    {
        _environment["BLACKSMITH_GITHUB_TOKEN"] = "ghp_abcdef123456";
        var runtime = Runtime();

        var token = runtime.GetSecretInput("github-token");
        runtime.Info($"token={token}");
        runtime.Annotate(AnnotationKind.Warning, $"bad {token}");
        runtime.AppendSummary($"| token | {token} |");

        Assert.Equal(["token=***", "Warning: bad ***"], LogLines);
        Assert.DoesNotContain(token, File.ReadAllText(Path.Combine(StateDirectory, GenericCiRuntime.SummaryFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_are_plain_lines_with_title_and_location()
    {
        var runtime = Runtime();

        runtime.Annotate(AnnotationKind.Error, "build failed", new AnnotationProperties(Title: "Dockerfile", File: "app/Dockerfile", Line: 7, Column: 3));
        runtime.Annotate(AnnotationKind.Notice, "cache key is repo-x64", new AnnotationProperties(File: "a", Column: 3));
        runtime.Annotate(AnnotationKind.Warning, "::error::not a command here");

        Assert.Equal(
            ["Error: Dockerfile: build failed (app/Dockerfile:7:3)", "Notice: cache key is repo-x64 (a)", "Warning: ::error::not a command here"],
            LogLines);
    }

    [Theory]
    [InlineData(GenericLogStyle.Plain)]
    [InlineData(GenericLogStyle.GitLab)]
    [InlineData(GenericLogStyle.Buildkite)]
    public void An_annotation_stays_one_line_whatever_the_values_it_echoes(GenericLogStyle style)
    {
        var runtime = Runtime(new GenericCiOptions { StateDirectory = StateDirectory, Style = style });

        runtime.Annotate(
            AnnotationKind.Warning,
            "buildkitd had already exited; its log ends with:\npanic: boom\r\nError: fake\rsection_start:1:x\e[2K",
            new AnnotationProperties(Title: "a\ntitle", File: "Docker\nfile"));
        using (runtime.Group("build of\nError: not ours"))
        {
        }

        var lines = LogLines;
        Assert.Equal(style == GenericLogStyle.GitLab ? 3 : 2, lines.Length);
        Assert.Contains(@"Warning: a\ntitle: buildkitd had already exited; its log ends with:\npanic: boom\nError: fake\rsection_start:1:x\u001B[2K (Docker\nfile)", lines[0], StringComparison.Ordinal);
        Assert.Contains(@"build of\nError: not ours", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GenericLogStyle.GitLab)]
    [InlineData(GenericLogStyle.Buildkite)]
    public void On_GitLab_and_Buildkite_warnings_are_bold_yellow_and_errors_bold_red(GenericLogStyle style)
    {
        var runtime = Runtime(new GenericCiOptions { StateDirectory = StateDirectory, Style = style });

        runtime.Annotate(AnnotationKind.Warning, "the cache is not committed");
        runtime.Annotate(AnnotationKind.Error, "setup failed");
        runtime.Annotate(AnnotationKind.Notice, "a note");

        Assert.Equal(["\e[33;1mWarning: the cache is not committed\e[0m", "\e[31;1mError: setup failed\e[0m", "Notice: a note"], LogLines);
    }

    [Fact]
    public void Debug_lines_are_printed_only_when_asked_for()
    {
        Runtime().Debug("hidden");
        Runtime(new GenericCiOptions { StateDirectory = StateDirectory, Debug = true }).Debug("shown");

        Assert.Equal(["[debug] shown"], LogLines);
    }

    [Fact]
    public void Groups_are_GitLab_sections_with_matching_names_and_timestamps()
    {
        var runtime = Runtime(new GenericCiOptions { StateDirectory = StateDirectory, Style = GenericLogStyle.GitLab });

        using (runtime.Group("buildx build"))
        {
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(
            [
                "\e[0Ksection_start:1755425698:blacksmith_1[collapsed=true]\r\e[0Kbuildx build",
                "\e[0Ksection_end:1755425703:blacksmith_1\r\e[0K",
            ],
            LogLines);
    }

    [Theory]
    [InlineData(GenericLogStyle.Buildkite, "--- buildx build")]
    [InlineData(GenericLogStyle.Plain, "== buildx build")]
    public void Groups_are_headers_elsewhere(GenericLogStyle style, string header)
    {
        using (Runtime(new GenericCiOptions { StateDirectory = StateDirectory, Style = style }).Group("buildx build"))
        {
        }

        Assert.Equal([header], LogLines);
    }

    [Fact]
    public void The_style_is_detected_from_the_ci_variables()
    {
        Assert.Equal(GenericLogStyle.GitLab, GenericCiOptions.DetectStyle(new DictionaryEnvironment(("GITLAB_CI", "true"))));
        Assert.Equal(GenericLogStyle.Buildkite, GenericCiOptions.DetectStyle(new DictionaryEnvironment(("BUILDKITE", "true"))));
        Assert.Equal(GenericLogStyle.Plain, GenericCiOptions.DetectStyle(new DictionaryEnvironment()));
    }
}
