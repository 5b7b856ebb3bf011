using Blacksmith.Steps.Leftovers;

namespace Blacksmith.Steps.Tests.Leftovers;

/// <summary>A cleanup's line says what was done, and only that.</summary>
public sealed class LeftoverCleanupTests
{
    [Fact]
    public void A_cleanup_that_left_an_exposure_alone_does_not_say_nothing_was_left()
    {
        var cleanup = new LeftoverCleanup(
            "/tmp/job-1", "its Runner.Worker ended", [], [], ["exposure e-1 is in the agent store, which this job does not use"]);

        var line = cleanup.Describe();

        Assert.DoesNotContain("nothing was left", line, StringComparison.Ordinal);
        Assert.Contains("nothing was released; left alone: exposure e-1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cleanup_that_could_not_release_anything_does_not_say_nothing_was_left()
    {
        var cleanup = new LeftoverCleanup("/tmp/job-1", "its Runner.Worker ended", [], ["could not stop buildkitd pid 42: permission denied"], []);

        Assert.DoesNotContain("nothing was left", cleanup.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cleanup_of_a_job_that_held_nothing_says_so()
    {
        var cleanup = new LeftoverCleanup("/tmp/job-1", "the machine rebooted", [], [], []);

        Assert.EndsWith("nothing was left running, mounted or exposed", cleanup.Describe(), StringComparison.Ordinal);
    }
}
