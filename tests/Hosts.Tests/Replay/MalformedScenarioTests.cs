using System.Text;
using Blacksmith.Replay;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>A malformed scenario is refused with the line and the JSON path of the problem.</summary>
public sealed class MalformedScenarioTests
{
    [Fact]
    public void Invalid_json_names_its_line_and_column()
    {
        var ex = Parse("{\n  \"job\": [\n    { \"host\": \"setup\" },,\n  ]\n}");

        Assert.Equal(3, ex.Line);
        Assert.StartsWith("not valid JSON", ex.Problem, StringComparison.Ordinal);
        Assert.StartsWith("bad.json:3:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_input_is_refused_at_its_path_and_line()
    {
        var ex = Parse("""
            {
              "job": [
                { "host": "setup" },
                { "host": "setup", "nofalback": true }
              ],
              "expect": {}
            }
            """);

        Assert.Equal("$.job[1].nofalback", ex.JsonPath);
        Assert.Equal(4, ex.Line);
        Assert.Contains("unknown property 'nofalback'", ex.Problem, StringComparison.Ordinal);
        Assert.Contains("nofallback", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_call_lists_the_known_ones()
    {
        var ex = Parse("""
            {
              "job": [{ "host": "setup" }],
              "world": {
                "stickydisk.exposed": [{ "value": {} }]
              },
              "expect": {}
            }
            """);

        Assert.Equal("$.world['stickydisk.exposed']", ex.JsonPath);
        Assert.Equal(4, ex.Line);
        Assert.Contains("stickydisk.expose,", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_the_call_cannot_return_is_refused()
    {
        var ex = Parse("""
            {
              "job": [{ "host": "setup" }],
              "world": { "stickydisk.expose": [{ "value": { "exposeId": "a", "device": "/dev/vdb" } }, { "value": { "exposeId": 7 } }] },
              "expect": {}
            }
            """);

        Assert.Equal("$.world['stickydisk.expose'][1].value", ex.JsonPath);
        Assert.Equal(3, ex.Line);
        Assert.Contains("not a valid stickydisk.expose value", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_without_a_value_for_a_call_that_returns_one_is_refused()
    {
        var ex = Parse("""{ "job": [{ "host": "setup" }], "world": { "stickydisk.expose": [{ "delayMs": 5 }] }, "expect": {} }""");

        Assert.Equal("$.world['stickydisk.expose'][0]", ex.JsonPath);
        Assert.Contains("returns a value", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "job": [], "expect": {} }""", "$.job", "at least one host")]
    [InlineData("""{ "job": [{ "host": "setup" }] }""", "$", "missing required property 'expect'")]
    [InlineData("""{ "job": [{ "host": "builder" }], "expect": {} }""", "$.job[0].host", "'builder' is not one of: setup, build, post, foreign")]
    [InlineData("""{ "job": [{ "host": "setup", "commit": "sometimes" }], "expect": {} }""", "$.job[0].commit", "auto, always-on-success, never")]
    [InlineData("""{ "job": [{ "host": "post" }], "expect": { "reason": "BuildBroke" } }""", "$.expect.reason", "'BuildBroke' is not one of")]
    [InlineData("""{ "ordering": "strict", "job": [{ "host": "post" }], "world": {}, "expect": {} }""", "$.world", "an array of calls")]
    [InlineData("""{ "job": [{ "host": "post" }], "world": { "stickydisk.up": [{ "error": "Failed", "hang": true }] }, "expect": {} }""", "$.world['stickydisk.up'][0]", "not error and hang")]
    [InlineData("""{ "job": [{ "host": "post" }], "world": { "stickydisk.up": [{ "error": "Flaky" }] }, "expect": {} }""", "$.world['stickydisk.up'][0].error", "Unavailable, Timeout, Failed, BadReply, Missing")]
    [InlineData("""{ "job": [{ "host": "post" }], "world": { "stickydisk.up": [{ "times": 0 }] }, "expect": {} }""", "$.world['stickydisk.up'][0].times", "at least 1")]
    public void Each_kind_of_mistake_is_named_where_it_is(string json, string path, string problem)
    {
        var ex = Parse(json);

        Assert.Equal(path, ex.JsonPath);
        Assert.Contains(problem, ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/j/1" }] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.claims[0]", "missing required property 'createdAt'")]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/j/1", "createdAt": "2026-01-01T00:00:00Z", "owner": { "pid": 7, "kind": "Shell" } }] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.claims[0].owner.kind", "RunnerWorker, Parent")]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/tmp/blacksmith-replay", "createdAt": "2026-01-01T00:00:00Z" }] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.claims[0].jobDirectory", "the replayed job's own directory")]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/j/1", "createdAt": "2026-01-01T00:00:00Z" }, { "jobDirectory": "/j/1", "createdAt": "2026-01-01T00:00:00Z" }] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.claims[1].jobDirectory", "a second claim of /j/1")]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/j/1", "createdAt": "2026-01-01T00:00:00Z", "holdings": { "deamon": { "pid": 5 } } }] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.claims[0].holdings.deamon", "unknown property 'deamon'")]
    [InlineData("""{ "machine": { "running": [0] }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.running[0]", "at least 1")]
    [InlineData("""{ "machine": { "maxJobDuration": "six hours" }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.maxJobDuration", "a positive duration")]
    [InlineData("""{ "machine": { "world": { "stickydisk.expose": [] } }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.world['stickydisk.expose']", "known: blockdevice.flush")]
    [InlineData("""{ "machine": { "world": { "buildkitd.signal": [{ "value": "Delivered", "daemonDies": true }] } }, "job": [{ "host": "setup" }], "expect": {} }""", "$.machine.world['buildkitd.signal'][0].daemonDies", "unknown property 'daemonDies'")]
    [InlineData("""{ "job": [{ "host": "setup" }], "expect": { "leftovers": { "/j/1": { "outcome": "cleaned" } } } }""", "$.expect.leftovers['/j/1']", "the machine has no claim of /j/1")]
    [InlineData("""{ "machine": { "claims": [{ "jobDirectory": "/j/1", "createdAt": "2026-01-01T00:00:00Z" }] }, "job": [{ "host": "setup" }], "expect": { "leftovers": { "/j/1": { "outcome": "left alone" } } } }""", "$.expect.leftovers['/j/1'].outcome", "cleaned, kept, left-alone, interrupted")]
    public void Each_mistake_in_the_machine_or_its_expectations_is_named_where_it_is(string json, string path, string problem)
    {
        var ex = Parse(json);

        Assert.Equal(path, ex.JsonPath);
        Assert.Contains(problem, ex.Problem, StringComparison.Ordinal);
    }

    private static ScenarioFormatException Parse(string json) =>
        Assert.Throws<ScenarioFormatException>(() => ScenarioFile.Parse(Encoding.UTF8.GetBytes(json), "bad.json"));
}
