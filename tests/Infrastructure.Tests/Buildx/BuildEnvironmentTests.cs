using Blacksmith.Infrastructure.Buildx;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The CI run as the build sees it: GitHub's variables and the event payload.</summary>
public sealed class BuildEnvironmentTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GitHub_variables_and_the_event_payload_are_read()
    {
        var payload = _temp.Sub("event.json");
        File.WriteAllText(payload, """{"repository": {"private": true}, "pull_request": {"head": {"sha": "head0sha"}}}""");
        var variables = new Dictionary<string, string>
        {
            ["GITHUB_SERVER_URL"] = "https://ghe.example.com",
            ["GITHUB_REPOSITORY"] = "octo/app",
            ["GITHUB_REF"] = "refs/pull/7/merge",
            ["GITHUB_SHA"] = "merge0sha",
            ["GITHUB_RUN_ID"] = "42",
            ["GITHUB_RUN_ATTEMPT"] = "3",
            ["GITHUB_EVENT_PATH"] = payload,
            ["BUILDX_NO_DEFAULT_ATTESTATIONS"] = "1",
            ["DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF"] = "true",
            ["BUILDX_SEND_GIT_QUERY_AS_INPUT"] = "nonsense",
        };

        var environment = BuildEnvironment.Read(name => variables.GetValueOrDefault(name));

        Assert.Equal("https://ghe.example.com", environment.ServerUrl);
        Assert.Equal("octo/app", environment.Repository);
        Assert.Equal("refs/pull/7/merge", environment.Ref);
        Assert.Equal("merge0sha", environment.Sha);
        Assert.Equal("head0sha", environment.PullRequestHeadSha);
        Assert.True(environment.RepositoryPrivate);
        Assert.Equal("1", environment.NoDefaultAttestations);
        Assert.True(environment.PullRequestHeadRef);
        Assert.False(environment.SendGitQueryAsInput);
        Assert.Equal("https://ghe.example.com/octo/app/actions/runs/42/attempts/3", environment.RunUrl);
    }

    [Fact]
    public void Nothing_set_means_github_com_and_no_run()
    {
        var environment = BuildEnvironment.Read(_ => "");

        Assert.Equal("https://github.com", environment.ServerUrl);
        Assert.Null(environment.Repository);
        Assert.Null(environment.RepositoryPrivate);
        Assert.Null(environment.RunUrl);
        Assert.Equal("https://github.com/o/r/actions/runs/1/attempts/1", (environment with { Repository = "o/r", RunId = "1" }).RunUrl);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"repository": {"private": "yes"}}""")]
    [InlineData("""{"repository": null}""")]
    public void An_unreadable_or_odd_payload_leaves_privacy_unknown(string content)
    {
        var payload = _temp.Sub("event.json");
        File.WriteAllText(payload, content);

        Assert.Equal((null, null), BuildEnvironment.ReadEvent(payload));
    }

    [Fact]
    public void A_missing_payload_leaves_privacy_unknown()
    {
        Assert.Equal((null, null), BuildEnvironment.ReadEvent(_temp.Sub("missing.json")));
        Assert.Equal((false, null), BuildEnvironment.ReadEvent(WritePublic()));
    }

    private string WritePublic()
    {
        var payload = _temp.Sub("public.json");
        File.WriteAllText(payload, """{"repository": {"private": false}}""");
        return payload;
    }
}
