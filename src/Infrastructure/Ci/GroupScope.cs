namespace Blacksmith.Infrastructure.Ci;

/// <summary>Ends a log group once, however often it is disposed (a <c>using</c> and a <c>finally</c> may both do it).</summary>
internal sealed class GroupScope(Action end) : IDisposable
{
    private int _ended;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            end();
        }
    }
}
