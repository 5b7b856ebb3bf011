using Blacksmith.Infrastructure.Failpoints;

namespace Blacksmith.Infrastructure.Tests.Failpoints;

/// <summary>How a test names the moment to be killed at (<c>BLACKSMITH_TEST_KILL_AT</c>, <c>BLACKSMITH_TEST_KILL_SCOPE</c>).</summary>
public sealed class KillPointTests
{
    [Theory]
    [InlineData("effect:stickydisk.expose", null, "effect:stickydisk.expose", 1, KillScope.Process)]
    [InlineData(" transition:DiskExposed#2 ", "group", "transition:DiskExposed", 2, KillScope.Group)]
    [InlineData("store:ExposeAttached#1", "PROCESS", "store:ExposeAttached", 1, KillScope.Process)]
    [InlineData("claim:DaemonSpawned#12", " ", "claim:DaemonSpawned", 12, KillScope.Process)]
    public void A_point_with_an_optional_hit_and_scope_reads_as_written(string value, string? scope, string point, int hit, KillScope kind)
    {
        Assert.Equal(new KillPoint(point, hit, kind), KillPoint.Parse(value, scope));
    }

    [Theory]
    [InlineData("", null, TestFailpoints.KillAtVariable)]
    [InlineData("#2", null, TestFailpoints.KillAtVariable)]
    [InlineData("effect:stickydisk.expose#0", null, TestFailpoints.KillAtVariable)]
    [InlineData("effect:stickydisk.expose#-1", null, TestFailpoints.KillAtVariable)]
    [InlineData("effect:stickydisk.expose#two", null, TestFailpoints.KillAtVariable)]
    [InlineData("effect: stickydisk.expose", null, TestFailpoints.KillAtVariable)]
    [InlineData("effect:stickydisk.expose", "tree", TestFailpoints.KillScopeVariable)]
    public void A_malformed_value_is_refused_naming_its_variable_so_a_test_never_runs_without_its_kill(string value, string? scope, string variable)
    {
        var refused = Assert.Throws<FormatException>(() => KillPoint.Parse(value, scope));

        Assert.StartsWith(variable + "=", refused.Message, StringComparison.Ordinal);
    }
}
