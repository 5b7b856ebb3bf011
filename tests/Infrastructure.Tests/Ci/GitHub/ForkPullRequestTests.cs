using System.Text.Json;
using Blacksmith.Infrastructure.Ci.GitHub;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

public sealed class ForkPullRequestTests : IDisposable
{
    private readonly string _eventFile = Path.GetTempFileName();

    [Fact]
    public void A_pull_request_from_another_repository_is_a_fork()
    {
        Assert.True(Detect("pull_request", Payload(head: "someone/web", @base: "acme/web"), out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void A_pull_request_from_a_branch_of_the_same_repository_is_not_a_fork_even_when_that_repository_is_one()
    {
        Assert.False(Detect("pull_request", Payload(head: "acme/web", @base: "ACME/web", headIsFork: true), out _));
    }

    [Fact]
    public void A_pull_request_whose_fork_was_deleted_counts_as_a_fork()
    {
        Assert.True(Detect("pull_request_target", """{"pull_request":{"head":{"repo":null},"base":{"repo":{"full_name":"acme/web"}}}}""", out _));
    }

    [Fact]
    public void A_push_is_never_a_fork_whatever_the_event_file_says()
    {
        Assert.False(Detect("push", Payload(head: "someone/web", @base: "acme/web"), out _));
    }

    [Fact]
    public void An_unreadable_event_file_is_not_a_fork_but_says_why_it_could_not_tell()
    {
        Assert.False(Detect("pull_request", "{not json", out var problem));
        Assert.Contains(_eventFile, problem, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_eventFile);

    private bool Detect(string eventName, string payload, out string? problem)
    {
        File.WriteAllText(_eventFile, payload);
        return ForkPullRequest.Detect(new DictionaryEnvironment(("GITHUB_EVENT_NAME", eventName), ("GITHUB_EVENT_PATH", _eventFile)), out problem);
    }

    private static string Payload(string head, string @base, bool headIsFork = false) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["pull_request"] = new Dictionary<string, object>
        {
            ["head"] = new Dictionary<string, object> { ["repo"] = new Dictionary<string, object> { ["full_name"] = head, ["fork"] = headIsFork } },
            ["base"] = new Dictionary<string, object> { ["repo"] = new Dictionary<string, object> { ["full_name"] = @base, ["fork"] = false } },
        },
    });
}
