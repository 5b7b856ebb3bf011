using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The default git context and <c>{{defaultContext}}</c> (protocols §2.8, toolkit <c>Build.gitContext</c>).</summary>
public sealed class DefaultGitContextTests
{
    [Fact]
    public void A_push_builds_the_repository_at_the_events_commit()
    {
        Assert.Equal(Builds.DefaultContext, DefaultGitContext.For(Builds.GitHub, Builds.Current));
    }

    [Fact]
    public void A_pull_request_builds_its_merge_commit_or_its_head_when_asked()
    {
        var pullRequest = Builds.GitHub with { Ref = "refs/pull/7/merge", Sha = "merge0sha", PullRequestHeadSha = "head0sha" };

        Assert.Equal("https://github.com/octo/app.git#merge0sha", DefaultGitContext.For(pullRequest, Builds.Current));
        Assert.Equal("https://github.com/octo/app.git#head0sha", DefaultGitContext.For(pullRequest with { PullRequestHeadRef = true }, Builds.Current));
        Assert.Equal(
            "https://github.com/octo/app.git#refs/pull/7/head",
            DefaultGitContext.For(pullRequest with { PullRequestHeadRef = true, PullRequestHeadSha = null }, Builds.Current));
    }

    [Fact]
    public void Without_a_commit_the_ref_pins_the_context()
    {
        Assert.Equal("https://github.com/octo/app.git#refs/heads/main", DefaultGitContext.For(Builds.GitHub with { Sha = null }, Builds.Current));
        Assert.Equal("https://github.com/octo/app.git#refs/heads/topic", DefaultGitContext.For(Builds.GitHub with { Sha = null, Ref = "topic" }, Builds.Current));
    }

    [Fact]
    public void The_query_form_needs_the_switch_and_buildx_0_29()
    {
        var query = Builds.GitHub with { SendGitQueryAsInput = true, ServerUrl = "https://ghe.example.com" };

        Assert.Equal($"https://ghe.example.com/octo/app.git?ref={Builds.Sha}", DefaultGitContext.For(query, Builds.Version(0, 29, 0)));
        Assert.Equal($"https://ghe.example.com/octo/app.git#{Builds.Sha}", DefaultGitContext.For(query, Builds.Version(0, 28, 9)));
    }

    [Fact]
    public void Off_GitHub_Actions_there_is_none()
    {
        Assert.Null(DefaultGitContext.For(Builds.Elsewhere, Builds.Current));
        Assert.Null(DefaultGitContext.For(Builds.GitHub with { Sha = null, Ref = null }, Builds.Current));
    }

    [Theory]
    [InlineData("{{defaultContext}}:docker", $"{Builds.DefaultContext}:docker")]
    [InlineData("{{ defaultContext }}", Builds.DefaultContext)]
    [InlineData("{{{defaultContext}}}", Builds.DefaultContext)]
    [InlineData("./app", "./app")]
    [InlineData("", Builds.DefaultContext)]
    public void The_context_input_is_templated_and_empty_means_the_default(string input, string expected)
    {
        Assert.Equal(expected, Builds.Plan(new BuildInputs { Context = input }).Arguments[^1]);
    }

    [Fact]
    public void Build_contexts_are_templated_too()
    {
        var plan = Builds.Plan(new BuildInputs { BuildContexts = ["base={{defaultContext}}:base", "other=./other"] });

        Assert.Equal([$"base={Builds.DefaultContext}:base", "other=./other"], plan.Values("--build-context"));
    }

    [Fact]
    public void Without_a_default_context_an_empty_context_or_the_placeholder_is_rejected_with_the_reason()
    {
        var empty = Assert.Throws<InvalidBuildInputsException>(() => Builds.Plan(new BuildInputs(), environment: Builds.Elsewhere));
        Assert.Contains("'context' is empty", empty.Message, StringComparison.Ordinal);

        var placeholder = Assert.Throws<InvalidBuildInputsException>(() => Builds.Plan(new BuildInputs { Context = ".", BuildContexts = ["b={{defaultContext}}"] }, environment: Builds.Elsewhere));
        Assert.Contains("'build-contexts' uses {{defaultContext}}", placeholder.Message, StringComparison.Ordinal);

        Assert.Equal(".", Builds.Plan(new BuildInputs { Context = "." }, environment: Builds.Elsewhere).Arguments[^1]);
    }
}
