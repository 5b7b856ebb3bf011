using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Blacksmith.Infrastructure.Processes;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

public sealed class GitHubActionsRuntimeTests : IDisposable
{
    private readonly GitHubStep _step = new();

    public void Dispose() => _step.Dispose();

    [Fact]
    public void An_output_is_appended_in_the_heredoc_form_with_a_random_delimiter()
    {
        _step.Runtime.SetOutput("digest", "sha256:abc");

        var lines = _step.Text("GITHUB_OUTPUT").Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("digest<<ghadelimiter_", lines[0], StringComparison.Ordinal);
        var delimiter = lines[0]["digest<<".Length..];
        Assert.Equal(["sha256:abc", delimiter, string.Empty], lines[1..]);
        Assert.Equal([new("digest", "sha256:abc")], _step.Pairs("GITHUB_OUTPUT"));
    }

    [Fact]
    public void Each_output_gets_its_own_delimiter()
    {
        _step.Runtime.SetOutput("a", "1");
        _step.Runtime.SetOutput("b", "2");

        var headers = _step.Text("GITHUB_OUTPUT").Split('\n').Where(l => l.Contains("<<", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, headers.Count);
        Assert.NotEqual(headers[0]["a<<".Length..], headers[1]["b<<".Length..]);
    }

    [Fact]
    public void Random_values_round_trip_through_the_output_file_as_the_runner_reads_it()
    {
        var faker = new Faker { Random = new Randomizer(4242) };
        var written = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < 200; i++)
        {
            var name = faker.Random.AlphaNumeric(faker.Random.Int(1, 20)) + "-" + i;
            var value = faker.Random.Int(0, 5) switch
            {
                0 => string.Empty,
                1 => faker.Lorem.Paragraphs(faker.Random.Int(1, 3), "\n"),
                2 => faker.Random.String2(0, 60, "ab=<<\r\n\t %:,ghadelimiter_-{}\"'\\"),
                3 => faker.Random.Utf16String(0, 40),
                4 => "\n" + faker.Lorem.Sentence() + "\n\n",
                _ => "EOF\nname<<EOF\n",
            };
            _step.Runtime.SetOutput(name, value);
            written.Add(new(name, value));
        }

        Assert.Equal(written, _step.Pairs("GITHUB_OUTPUT"));
    }

    [Fact]
    public void A_delimiter_that_occurs_in_the_value_is_replaced_by_another()
    {
        byte[] first = [.. Enumerable.Range(1, 16).Select(b => (byte)b)];
        byte[] second = [.. Enumerable.Range(100, 16).Select(b => (byte)b)];
        var colliding = $"ghadelimiter_{new Guid(first):D}";
        using var step = new GitHubStep(new ScriptedRandom(first, second));
        var value = $"before\n{colliding}\nafter";

        step.Runtime.SetOutput("metadata", value);

        var text = step.Text("GITHUB_OUTPUT");
        Assert.StartsWith($"metadata<<ghadelimiter_{new Guid(second):D}\n", text, StringComparison.Ordinal);
        Assert.Equal([new("metadata", value)], step.Pairs("GITHUB_OUTPUT"));
    }

    [Fact]
    public void A_random_source_that_only_collides_is_an_error_not_a_corrupt_file()
    {
        byte[] same = new byte[16];
        using var step = new GitHubStep(new ScriptedRandom([.. Enumerable.Repeat(same, 8)]));

        Assert.Throws<InvalidOperationException>(() => step.Runtime.SetOutput("x", $"ghadelimiter_{new Guid(same):D}"));
        Assert.Equal(string.Empty, step.Text("GITHUB_OUTPUT"));
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("a<<b")]
    [InlineData("a\nb")]
    [InlineData("")]
    public void A_name_the_runner_would_misread_is_refused(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => _step.Runtime.SetOutput(name, "v"));
    }

    [Fact]
    public void Without_GITHUB_OUTPUT_setting_an_output_is_an_error_naming_the_variable()
    {
        var runtime = new GitHubActionsRuntime(new DictionaryEnvironment(), _step.Log, new Random(1), new SecretMasker());

        var error = Assert.Throws<CiRuntimeException>(() => runtime.SetOutput("digest", "x"));

        Assert.Contains("GITHUB_OUTPUT is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_file_that_cannot_be_written_is_an_error_naming_the_file()
    {
        var path = Path.Combine(_step.Directory, "missing-directory", "set_output_x");
        _step.Environment["GITHUB_OUTPUT"] = path;

        var error = Assert.Throws<CiRuntimeException>(() => _step.Runtime.SetOutput("digest", "x"));

        Assert.Contains($"GITHUB_OUTPUT file '{path}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_saved_in_main_reaches_post_as_STATE_variables_with_the_post_marker()
    {
        _step.Runtime.SaveState("jobDir", "/tmp/blacksmith/1-build-1");
        _step.Runtime.SaveState("sessionId", "s-1");

        var saved = _step.Pairs("GITHUB_STATE");
        Assert.Equal(
            [new("isPost", "true"), new("jobDir", "/tmp/blacksmith/1-build-1"), new("sessionId", "s-1")],
            saved);
        Assert.False(_step.Runtime.IsPost);
        Assert.Null(_step.Runtime.GetState("jobDir"));

        using var post = new GitHubStep();
        foreach (var (name, value) in saved)
        {
            post.Environment["STATE_" + name] = value;
        }

        Assert.True(post.Runtime.IsPost);
        Assert.Equal("/tmp/blacksmith/1-build-1", post.Runtime.GetState("jobDir"));
        Assert.Equal("s-1", post.Runtime.GetState("sessionId"));
        Assert.Null(post.Runtime.GetState("jobdir"));
    }

    [Fact]
    public void State_saved_in_post_does_not_write_the_marker_again()
    {
        _step.Environment["STATE_isPost"] = "true";

        _step.Runtime.SaveState("k", "v");

        Assert.Equal([new("k", "v")], _step.Pairs("GITHUB_STATE"));
    }

    [Fact]
    public void The_summary_is_appended_with_a_line_break_between_parts()
    {
        _step.Runtime.AppendSummary("## Build");
        _step.Runtime.AppendSummary("| image | digest |\n");

        Assert.Equal("## Build\n| image | digest |\n", _step.Text("GITHUB_STEP_SUMMARY"));
    }

    [Fact]
    public void A_summary_that_would_pass_one_mebibyte_is_refused_and_the_file_left_as_it_was()
    {
        var almost = new string('x', GitHubActionsRuntime.MaxSummaryBytes - 10) + "\n";
        _step.Runtime.AppendSummary(almost);

        var error = Assert.Throws<CiRuntimeException>(() => _step.Runtime.AppendSummary("0123456789"));

        Assert.Contains(_step.FileOf("GITHUB_STEP_SUMMARY"), error.Message, StringComparison.Ordinal);
        Assert.Equal(almost, _step.Text("GITHUB_STEP_SUMMARY"));
    }

    [Fact]
    public void A_secret_input_is_masked_before_it_is_returned_so_no_later_line_shows_it()
    {
        _step.Environment["INPUT_GITHUB-TOKEN"] = " ghs_secretvalue ";

        var token = _step.Runtime.GetSecretInput("github-token");
        _step.Runtime.Info($"using token {token}");
        _step.Runtime.Annotate(AnnotationKind.Warning, $"token {token} expires", new AnnotationProperties(Title: token));

        Assert.Equal("ghs_secretvalue", token);
        Assert.Equal(
            ["::add-mask::ghs_secretvalue", "using token ***", "::warning title=***::token *** expires"],
            _step.LogLines);
    }

    [Fact]
    public void A_multi_line_secret_is_masked_in_one_escaped_command_and_each_line_is_hidden()
    {
        _step.Runtime.MaskSecret("line-one-secret\nline-two-secret");
        _step.Runtime.Info("leaked line-two-secret");

        Assert.Equal(["::add-mask::line-one-secret%0Aline-two-secret", "leaked ***"], _step.LogLines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_secret_is_not_sent(string secret)
    {
        _step.Runtime.MaskSecret(secret);

        Assert.Empty(_step.LogLines);
    }

    [Fact]
    public void Annotations_debug_and_groups_are_workflow_commands()
    {
        _step.Runtime.Debug("details: 100%");
        _step.Runtime.Annotate(AnnotationKind.Notice, "cache key: repo-build-x64");
        _step.Runtime.Annotate(AnnotationKind.Error, "build failed\nsee above", new AnnotationProperties(File: "Dockerfile", Line: 7, Column: 2));
        using (_step.Runtime.Group("buildx build"))
        {
            _step.Runtime.Info("#1 [internal] load build definition");
        }

        Assert.Equal(
            [
                "::debug::details: 100%25",
                "::notice::cache key: repo-build-x64",
                "::error file=Dockerfile,line=7,col=2::build failed%0Asee above",
                "::group::buildx build",
                "#1 [internal] load build definition",
                "::endgroup::",
            ],
            _step.LogLines);
    }

    [Fact]
    public void A_group_ends_once_however_often_it_is_disposed()
    {
        var group = _step.Runtime.Group("g");
        group.Dispose();
        group.Dispose();

        Assert.Equal(["::group::g", "::endgroup::"], _step.LogLines);
    }

    [Fact]
    public void Tool_output_printed_as_info_cannot_inject_a_command()
    {
        _step.Runtime.Info("::set-output name=digest::sha256:evil\n  ::error::x\n##[add-mask]y");

        foreach (var line in _step.LogLines.SelectMany(l => l.Split('\n')))
        {
            Assert.Null(RunnerCommandParser.Command(line, icu: true));
            Assert.Null(RunnerCommandParser.Command(line, icu: false));
        }

        Assert.StartsWith(WorkflowCommandGuard.Marker + "::set-output", _step.LogLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Values_echoed_into_annotations_and_groups_cannot_break_the_line_or_start_a_command()
    {
        const string value = "50% of %0A\r\n::error::injected\n##[error]legacy";
        _step.Runtime.Annotate(AnnotationKind.Warning, $"cache key {value}", new AnnotationProperties(Title: value, File: value));
        using (_step.Runtime.Group($"build {value}"))
        {
        }

        Assert.Equal(3, _step.LogLines.Length);
        Assert.All(_step.LogLines, line => Assert.DoesNotContain('\r', line));
        Assert.Equal(["warning", "group", "endgroup"], _step.LogLines.Select(l => RunnerCommandParser.Command(l, icu: true)));
        Assert.EndsWith("::cache key 50%25 of %250A%0D%0A::error::injected%0A##[error]legacy", _step.LogLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_says_it_is_GitHub_Actions_and_detection_agrees()
    {
        Assert.Equal(CiKind.GitHubActions, _step.Runtime.Kind);
        Assert.Equal(CiKind.GitHubActions, CiDetection.Detect(_step.Environment));
        Assert.Equal(CiKind.Generic, CiDetection.Detect(new DictionaryEnvironment(("GITLAB_CI", "true"))));
    }
}
