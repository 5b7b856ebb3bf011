using System.Text;
using Blacksmith.Replay;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>When the code asks what the script does not answer, or asks in another order, the replay stops and says so.</summary>
public sealed class DivergenceTests
{
    [Fact]
    public void A_call_with_no_scripted_answer_left_stops_the_replay_naming_the_call_and_its_arguments()
    {
        // The script allows one expose; a transient failure makes the code ask again.
        var report = Replay("""
            {
              "base": "healthy",
              "job": [{ "host": "setup", "cacheKey": "acme/api" }, { "host": "post" }],
              "world": { "stickydisk.expose": [{ "error": "Unavailable", "message": "agent restarting" }] },
              "expect": { "decision": "skip" }
            }
            """);

        var divergence = Assert.IsType<Divergence>(report.Divergence);
        Assert.Equal(PortCalls.StickyDiskExpose.Name, divergence.Call);
        Assert.Equal("setup-1", divergence.Session);
        Assert.Equal("acme/api", divergence.Arguments["cacheKey"]);
        Assert.Contains("all 1 scripted answer(s) for stickydisk.expose were used", divergence.Reason, StringComparison.Ordinal);
        Assert.False(report.Passed);
        Assert.Equal([HostEnd.Diverged, HostEnd.NotRun], report.Hosts.Select(h => h.End));
    }

    [Fact]
    public void A_call_out_of_strict_order_shows_what_the_script_expected_next()
    {
        var report = Replay("""
            {
              "ordering": "strict",
              "job": [{ "host": "setup" }],
              "world": [
                { "call": "buildkitd.findForeign", "value": null },
                { "call": "stickydisk.up" },
                { "call": "blockdevice.getSize", "value": 1024 },
                { "call": "stickydisk.expose", "value": { "exposeId": "e", "device": "/dev/vdb" } }
              ],
              "expect": {}
            }
            """);

        var divergence = Assert.IsType<Divergence>(report.Divergence);
        Assert.Equal(PortCalls.StickyDiskExpose.Name, divergence.Call);
        Assert.Equal("the script expects blockdevice.getSize next", divergence.Reason);
        Assert.StartsWith("blockdevice.getSize returns 1024", divergence.Expected[0], StringComparison.Ordinal);
        Assert.Contains("inline.json $.world[2]", divergence.Expected[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_the_script_does_not_name_diverges_without_a_base_world()
    {
        var report = Replay("""{ "job": [{ "host": "setup" }], "expect": {} }""");

        var divergence = Assert.IsType<Divergence>(report.Divergence);
        // The first thing setup asks: whether a buildkitd it did not start already answers.
        Assert.Equal(PortCalls.DaemonFindForeign.Name, divergence.Call);
        Assert.Contains("no answer for buildkitd.findForeign at all", divergence.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_the_script_says_is_never_made_diverges_when_it_is()
    {
        var report = Replay("""
            {
              "base": "healthy",
              "job": [{ "host": "setup" }],
              "world": { "blockdevice.growFilesystem": [] },
              "expect": {}
            }
            """);

        Assert.Equal("the script says blockdevice.growFilesystem is never made", report.Divergence?.Reason);
    }

    [Fact]
    public void An_answer_scripted_for_another_session_is_not_taken()
    {
        var report = Replay("""
            {
              "base": "healthy",
              "job": [{ "host": "setup", "session": "mine" }],
              "world": { "stickydisk.expose": [{ "value": { "exposeId": "e", "device": "/dev/vdb" }, "session": "theirs" }] },
              "expect": {}
            }
            """);

        Assert.Contains("belongs to session theirs", report.Divergence?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripted_answers_that_were_never_used_are_unmet_expectations()
    {
        var report = Replay("""
            {
              "base": "healthy",
              "job": [{ "host": "post" }],
              "world": { "stickydisk.settle": [{}] },
              "expect": {}
            }
            """);

        Assert.Null(report.Divergence);
        Assert.Contains(report.Unmet, u => u.StartsWith("scripted answer never used: stickydisk.settle succeeds", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_unmet_expectation_is_named()
    {
        var report = Replay("""
            {
              "base": "healthy",
              "job": [{ "host": "setup" }, { "host": "build" }, { "host": "post" }],
              "expect": {
                "state": "Ready", "decision": "skip", "reason": "BuildFailed",
                "outputs": { "mode": "Fallback" }, "warnings": ["nothing like this"], "settlements": ["release"],
                "transitions": ["SetupStarted", "SetupFailed"]
              }
            }
            """);

        Assert.Equal(
        [
            "state: expected Ready, got Done",
            "decision: expected skip, got commit",
            "reason: expected BuildFailed, got commit",
            "transition 2: expected SetupFailed, got setup-1 DiskExposed Mounting -> Mounting",
            "output mode: expected 'Fallback', got 'StickyDisk'",
            "warnings: expected one containing 'nothing like this', got none",
            "settlements: expected [release], got [commit]",
        ], report.Unmet);
    }

    private static ReplayReport Replay(string json) => ReplayRunner.Run(ScenarioFile.Parse(Encoding.UTF8.GetBytes(json), "inline.json"));
}
