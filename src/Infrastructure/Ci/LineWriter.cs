namespace Blacksmith.Infrastructure.Ci;

/// <summary>
/// Writes whole lines to the log stream, one at a time and flushed, so that lines from concurrent builds do not
/// interleave and a mask is registered with the runner before the next line is read.
/// </summary>
internal sealed class LineWriter(TextWriter output)
{
    private readonly Lock _lock = new();

    public void WriteLine(string line)
    {
        lock (_lock)
        {
            // LF, not Environment.NewLine: the runner and every CI log split on it.
            output.Write(line);
            output.Write('\n');
            output.Flush();
        }
    }
}
