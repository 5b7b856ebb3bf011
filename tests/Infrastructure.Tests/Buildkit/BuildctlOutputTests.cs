using Blacksmith.Infrastructure.Buildkit;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

public sealed class BuildctlOutputTests
{
    [Theory]
    [InlineData("ID\t\t\t\tPLATFORMS\nxdl9qsct7m01qc3azqf6r4s4m\tlinux/amd64,linux/amd64/v2,linux/amd64/v3,linux/386\n", 1)]
    [InlineData("ID\t\t\t\tPLATFORMS\nworker1\tlinux/amd64\nworker2\tlinux/arm64\n", 2)]
    [InlineData("ID  PLATFORMS\nw  linux/amd64\n", 1)]
    [InlineData("ID\tPLATFORMS\n", 0)]
    [InlineData("", 0)]
    [InlineData("some warning\nw\tlinux/amd64\n", 0)]
    public void Workers_are_the_rows_under_the_ID_PLATFORMS_header(string output, int workers)
    {
        Assert.Equal(workers, BuildctlOutput.CountWorkers(output));
    }

    [Theory]
    [InlineData("ID\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED\nabc\ttrue\t\t734.00MB\t\nTotal:\t1.50GB\n", 1_500_000_000)]
    [InlineData("Total:\t734.00MB\n", 734_000_000)]
    [InlineData("Total:\t2.02GB", 2_020_000_000)]
    [InlineData("Total:\t12.35kB\n", 12_350)]
    [InlineData("Total:\t512B\n", 512)]
    [InlineData("Total:\t0B\n", 0)]
    [InlineData("Total:\t1.00GiB\n", 1L << 30)]
    [InlineData("", 0)]
    [InlineData("abc\n", 0)]
    [InlineData("Total:\tlots\n", 0)]
    public void Prune_frees_what_its_total_line_says(string output, long bytes)
    {
        Assert.Equal(bytes, BuildctlOutput.ParsePruneTotal(output));
    }
}
