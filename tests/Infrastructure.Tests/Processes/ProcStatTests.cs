using Blacksmith.Infrastructure.Processes;

namespace Blacksmith.Infrastructure.Tests.Processes;

public sealed class ProcStatTests
{
    [Fact]
    public void Fields_are_counted_from_the_last_parenthesis_so_any_command_name_parses()
    {
        const string line = "4242 (evil) S 1 2 (x) Z) R 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 10 18446744073709551615\n";

        var stat = ProcStat.Parse(line)!.Value;

        Assert.Equal(4242, stat.Pid);
        Assert.Equal("evil) S 1 2 (x) Z", stat.Command);
        Assert.Equal('R', stat.State);
        Assert.Equal(17, stat.ParentPid);
        Assert.Equal(4242, stat.SessionId);
        Assert.Equal(987654321, stat.StartTimeTicks);
        Assert.False(stat.HasExited);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 (x)")]
    [InlineData("12 x S 1 2 3")]
    [InlineData("nan (x) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5")]
    public void Truncated_or_garbled_lines_do_not_parse(string line)
    {
        Assert.Null(ProcStat.Parse(line));
    }

    [Fact]
    public void This_process_reads_as_running_with_its_own_pid()
    {
        var stat = ProcStat.TryRead(Environment.ProcessId)!.Value;

        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.False(stat.HasExited);
        Assert.True(stat.StartTimeTicks > 0);
    }
}
