using Blacksmith.Infrastructure.Ci;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

public sealed class GitHubInputTests : IDisposable
{
    private readonly GitHubStep _step = new();

    public void Dispose() => _step.Dispose();

    [Theory]
    [InlineData("cache-key", "INPUT_CACHE-KEY")]
    [InlineData("buildx-version", "INPUT_BUILDX-VERSION")]
    [InlineData("no-cache", "INPUT_NO-CACHE")]
    [InlineData("max cache size", "INPUT_MAX_CACHE_SIZE")]
    [InlineData("nofallback", "INPUT_NOFALLBACK")]
    public void Input_names_keep_hyphens_turn_spaces_into_underscores_and_are_upper_cased(string name, string variable)
    {
        _step.Environment[variable] = "value";

        Assert.Equal("value", _step.Runtime.GetInput(name));
        Assert.Equal(variable, _step.Runtime.DescribeInput(name));
    }

    [Theory]
    [InlineData("  padded  ", "padded")]
    [InlineData("block scalar\n", "block scalar")]
    [InlineData("\t\r\n value \u00A0\u2003\uFEFF", "value")]
    [InlineData("inner  spaces stay", "inner  spaces stay")]
    public void Inputs_are_trimmed_as_javascript_trims(string raw, string expected)
    {
        _step.Environment["INPUT_X"] = raw;

        Assert.Equal(expected, _step.Runtime.GetInput("x"));
    }

    [Fact]
    public void Next_line_is_not_whitespace_to_javascript_so_it_stays()
    {
        _step.Environment["INPUT_X"] = "\u0085value\u0085";

        Assert.Equal("\u0085value\u0085", _step.Runtime.GetInput("x"));
    }

    [Fact]
    public void A_missing_input_is_empty()
    {
        Assert.Equal(string.Empty, _step.Runtime.GetInput("cache-key"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void A_required_input_that_is_missing_or_blank_is_an_error_naming_it(string? value)
    {
        if (value is not null)
        {
            _step.Environment["INPUT_CACHE-KEY"] = value;
        }

        var error = Assert.Throws<CiInputException>(() => _step.Runtime.GetRequiredInput("cache-key"));

        Assert.Equal("cache-key", error.InputName);
        Assert.Contains("Input required and not supplied: cache-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("INPUT_CACHE-KEY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("  true\n", true)]
    public void Booleans_follow_the_yaml_core_schema(string value, bool expected)
    {
        _step.Environment["INPUT_NOFALLBACK"] = value;

        Assert.Equal(expected, _step.Runtime.GetBooleanInput("nofallback", !expected));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(null, false)]
    [InlineData("", true)]
    [InlineData(" \n", false)]
    public void An_empty_boolean_gives_the_default(string? value, bool defaultValue)
    {
        if (value is not null)
        {
            _step.Environment["INPUT_NOFALLBACK"] = value;
        }

        Assert.Equal(defaultValue, _step.Runtime.GetBooleanInput("nofallback", defaultValue));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("tRUE")]
    [InlineData("on")]
    [InlineData("t")]
    [InlineData("false!")]
    public void Any_other_boolean_is_an_error_naming_the_input_and_the_accepted_values(string value)
    {
        _step.Environment["INPUT_NO-CACHE"] = value;

        var error = Assert.Throws<CiInputException>(() => _step.Runtime.GetBooleanInput("no-cache", false));

        Assert.Equal("no-cache", error.InputName);
        Assert.Contains("'no-cache'", error.Message, StringComparison.Ordinal);
        Assert.Contains("INPUT_NO-CACHE", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("true, True, TRUE, false, False or FALSE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_input_is_read_from_its_variable()
    {
        _step.Environment["INPUT_TAGS"] = "user/app:latest\nuser/app:1.0,user/app:1";

        Assert.Equal(["user/app:latest", "user/app:1.0", "user/app:1"], _step.Runtime.GetListInput("tags"));
    }

    [Fact]
    public void A_list_with_an_unclosed_quote_is_an_error_naming_the_input()
    {
        _step.Environment["INPUT_BUILD-ARGS"] = "A=1\n\"B=2";

        var error = Assert.Throws<CiInputException>(() => _step.Runtime.GetListInput("build-args", ListInputOptions.IgnoreComma));

        Assert.Equal("build-args", error.InputName);
        Assert.Contains("INPUT_BUILD-ARGS", error.Message, StringComparison.Ordinal);
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("success", CiJobStatus.Success)]
    [InlineData("failure", CiJobStatus.Failure)]
    [InlineData("cancelled", CiJobStatus.Cancelled)]
    [InlineData(" success\n", CiJobStatus.Success)]
    public void The_job_status_input_is_parsed(string value, CiJobStatus expected)
    {
        _step.Environment["INPUT_JOB-STATUS"] = value;

        Assert.Equal(expected, _step.Runtime.GetJobStatus());
    }

    [Fact]
    public void No_job_status_input_is_null()
    {
        Assert.Null(_step.Runtime.GetJobStatus());
    }

    [Theory]
    [InlineData("skipped")]
    [InlineData("running")]
    [InlineData("${{ job.status }}")]
    public void Another_job_status_is_an_error_naming_where_it_came_from_and_the_accepted_values(string value)
    {
        _step.Environment["INPUT_JOB-STATUS"] = value;

        var error = Assert.Throws<CiInputException>(() => _step.Runtime.GetJobStatus());

        Assert.Equal("job-status", error.InputName);
        Assert.Contains("INPUT_JOB-STATUS", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(JobStatusInput.AcceptedValues, error.Message, StringComparison.Ordinal);
    }
}
